/**
 * The shapes of the API's answers, as the dashboard reads them. Where the client's contract
 * (`src/client/contract.ts`, read off the server's route definitions) has a shape, it comes from
 * there: a type-only import, erased from the bundle, so no server code reaches the browser and the
 * two cannot drift. The admin routes' answers below are still copies of their schemas, because
 * those routes do not export their definitions yet and the contract does not name them.
 */
import type { WebhookDeliveryList } from "../../src/client/contract.js";
import type { RevenueSeries } from "./revenue-chart.js";

export interface Overview {
  asOf: string;
  revenue: RevenueSeries[];
  subscriptions: { live: number; byStatus: Record<string, number> };
  creditsOutstanding: Array<{ currency: string; available: number; held: number }>;
  customers: number;
  webhooks: {
    byStatus: Record<string, number>;
    backlog: number;
    failed: number;
    oldestPendingAt: string | null;
  };
}

export interface Customer {
  id: string;
  email: string | null;
  name: string | null;
  provider: string;
  providerCustomerId: string | null;
  createdAt: string;
}

export interface Payment {
  providerOrderId: string;
  provider: string;
  customerId: string;
  product: string | null;
  status: string;
  billingReason: string;
  currency: string;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  providerFeeMinor: number;
  refundedMinor: number;
  refundedTaxMinor: number;
  updatedAt: string;
}

export interface CustomerSummary {
  customerId: string;
  customer: Customer | null;
  entitlements: Array<{
    feature: string;
    catalogKey: string;
    sourceKind: string;
    sourceId: string;
    activeUntil: string | null;
  }>;
  credits: Array<{ type: string; unit: string; available: number; held: number }>;
  openHolds: Array<{ id: string; type: string; amountHeld: number; expiresAt: string; createdAt: string }>;
  usage: Array<{
    meter: string;
    name: string;
    consumed: number;
    credited: number | null;
    percentUsed: number | null;
    status: string;
    resetsAt: string;
  }>;
  subscriptions: Array<{
    providerSubscriptionId: string;
    product: string;
    status: string;
    cancelAtPeriodEnd: boolean;
    currentPeriodEnd: string | null;
  }>;
  payments: Payment[];
  checkouts: Array<{
    id: string;
    product: string;
    status: string;
    amountMinor: number | null;
    createdAt: string;
  }>;
  ledger: Array<{
    transactionId: string;
    description: string;
    postedAt: string;
    entries: Array<{ accountKind: string; ownerId: string; currency: string; amountMinor: number }>;
  }>;
}

export interface WebhookDelivery {
  id: string;
  provider: string;
  deliveryId: string;
  eventType: string;
  status: "received" | "processed" | "ignored" | "failed";
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
  nextAttemptAt: string;
}

export interface CatalogAction {
  kind: "create" | "update" | "archive" | "unchanged";
  key: string;
  providerProductId?: string;
  differences?: string[];
}

export interface UsageSyncDeadLetter {
  id: number;
  eventId: string;
  customerId: string;
  idempotencyKey: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deadAt: string | null;
}

/** `GET /v1/usage/sync`: usage waiting to be sent to the provider, and what gave up. */
export interface UsageSyncStatus {
  enabled: boolean;
  provider: string | null;
  backlog: number;
  leased: number;
  dead: number;
  oldestPendingAt: string | null;
  lagSeconds: number;
  /** The first 100, oldest first. */
  deadLetters: UsageSyncDeadLetter[];
}

export type { WebhookEndpoint } from "../../src/client/contract.js";

/** One event on its way to one of the app's endpoints. */
export type OutboundDelivery = WebhookDeliveryList["items"][number];
