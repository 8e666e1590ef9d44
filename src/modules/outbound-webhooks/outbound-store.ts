import type { EndpointStatus, OutboundDelivery, WebhookEndpoint } from "./outbound-types.js";

export interface EndpointChange {
  url?: string;
  description?: string;
  eventTypes?: string[];
  secret?: string;
  previousSecret?: string | null;
  previousSecretExpiresAtMs?: number | null;
  status?: EndpointStatus;
  pauseReason?: string | null;
  consecutiveFailures?: number;
}

/** Persistence port of outbound webhooks. Implemented in `src/storage/stores/outbound-store.ts`. */
export interface OutboundStore {
  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  findEndpoint(id: string): Promise<WebhookEndpoint | null>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  countEndpoints(): Promise<number>;
  updateEndpoint(id: string, change: EndpointChange, nowMs: number): Promise<boolean>;
  /** Deletes the endpoint and its deliveries. */
  deleteEndpoint(id: string): Promise<boolean>;
  /**
   * Counts one more failure in a row and pauses the endpoint (with `reason`) once the count reaches
   * `failuresMax`; returns whether this call paused it.
   */
  recordFailure(id: string, failuresMax: number, reason: string, nowMs: number): Promise<boolean>;
  recordSuccess(id: string): Promise<void>;

  /** Stores the deliveries, skipping any (endpoint, event) pair that is already stored. */
  insertDeliveries(deliveries: OutboundDelivery[]): Promise<void>;
  findDelivery(id: string): Promise<OutboundDelivery | null>;
  /**
   * Due deliveries of active endpoints, oldest event first, that no earlier undelivered delivery with
   * the same endpoint and ordering key holds back, and that no worker has claimed.
   */
  listDeliverable(nowMs: number, limit: number): Promise<OutboundDelivery[]>;
  /** Claims a delivery for `leaseMs`; false when another worker holds it or it is no longer due. */
  claim(id: string, nowMs: number, leaseMs: number): Promise<boolean>;
  recordAttempt(id: string, outcome: AttemptOutcome, nowMs: number): Promise<void>;
  /** Makes deliveries due again now, delivered or not. */
  requeue(ids: string[], nowMs: number): Promise<number>;
  /** Makes every pending delivery of an endpoint due now (after a resume). */
  requeuePending(endpointId: string, nowMs: number): Promise<number>;
  listDeliveries(filter: {
    endpointId: string;
    status?: "pending" | "delivered";
    limit: number;
  }): Promise<OutboundDelivery[]>;
  /** Deletes delivered deliveries older than `beforeMs`; returns how many. */
  purgeDelivered(beforeMs: number, limit: number): Promise<number>;
}

export interface OutboundStores {
  outbound: OutboundStore;
}

/** What one delivery attempt came to, and when to try again if it failed. */
export interface AttemptOutcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  nextAttemptAtMs: number;
}
