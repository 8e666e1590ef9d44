import type { z } from "@hono/zod-openapi";
import type { overviewRoute, paymentsRoute, searchRoute, summaryRoute } from "../http/routes/admin-routes.js";
import type { diffRoute, productsRoute } from "../http/routes/catalog-routes.js";
import type { checkoutRoute, checkoutsOfRoute, paymentIntentRoute } from "../http/routes/checkout-routes.js";
import type {
  balancesRoute,
  commitRoute,
  getHoldRoute,
  grantRoute,
  historyRoute,
  holdRoute,
  spendRoute,
} from "../http/routes/credit-routes.js";
import type { ensureCustomerRoute, portalRoute } from "../http/routes/customer-routes.js";
import type { checkRoute, entitlementsRoute } from "../http/routes/entitlement-routes.js";
import type { getTransactionRoute } from "../http/routes/ledger-routes.js";
import type { sellerDashboardOfCustomerRoute } from "../http/routes/marketplace-routes.js";
import type { getSettingsRoute } from "../http/routes/settings-routes.js";
import type { ingestRoute, UsageEventBody, usageStatusRoute } from "../http/routes/usage-routes.js";
import type { usageSyncStatusRoute } from "../http/routes/usage-sync-routes.js";
import type {
  createEndpointRoute,
  eventTypesRoute,
  getEndpointRoute,
  listDeliveriesRoute,
  listEndpointsRoute,
  redeliverRoute,
  updateEndpointRoute,
} from "../http/routes/webhook-endpoint-routes.js";
import type { inboxDeliveriesRoute } from "../http/routes/webhook-inbox-routes.js";

/**
 * The client's request and response types, read off the server's own route definitions (type-only
 * imports: no zod or engine code reaches the client bundle), so the two cannot drift.
 */

type JsonSchemaOf<C> = C extends { "application/json": { schema: infer S extends z.ZodType } } ? S : never;

/** What the route accepts as its JSON body, as the caller writes it (defaults still optional). */
export type JsonBodyOf<R> = R extends { request: { body: { content: infer C } } }
  ? z.input<JsonSchemaOf<C>>
  : never;

/**
 * What the route accepts as its query string: which keys are optional comes from the schema's input,
 * the value types from its output (a query is text, so the schema coerces, and its input is `unknown`).
 */
export type QueryOf<R> = R extends { request: { query: infer S extends z.ZodType } }
  ? { [K in keyof z.input<S>]: K extends keyof z.output<S> ? z.output<S>[K] : never }
  : never;

/** The JSON body of the route's success answer (200 or 201). */
export type SuccessOf<R> = R extends { responses: infer Responses }
  ? Responses extends { 200: { content: infer C } }
    ? z.output<JsonSchemaOf<C>>
    : Responses extends { 201: { content: infer C } }
      ? z.output<JsonSchemaOf<C>>
      : never
  : never;

export type CheckRequest = QueryOf<typeof checkRoute>;
export type CheckResult = SuccessOf<typeof checkRoute>;
export type EntitlementList = SuccessOf<typeof entitlementsRoute>;
export type CreateCheckoutRequest = JsonBodyOf<typeof checkoutRoute>;
export type Checkout = SuccessOf<typeof checkoutRoute>;
export type CheckoutList = SuccessOf<typeof checkoutsOfRoute>;
export type CreatePaymentIntentRequest = JsonBodyOf<typeof paymentIntentRoute>;
export type PaymentIntent = SuccessOf<typeof paymentIntentRoute>;
export type EnsureCustomerRequest = JsonBodyOf<typeof ensureCustomerRoute>;
export type Customer = SuccessOf<typeof ensureCustomerRoute>;
export type PortalRequest = NonNullable<JsonBodyOf<typeof portalRoute>>;
export type PortalSession = SuccessOf<typeof portalRoute>;
export type SpendRequest = JsonBodyOf<typeof spendRoute>;
export type SpendResult = SuccessOf<typeof spendRoute>;
export type HoldRequest = JsonBodyOf<typeof holdRoute>;
export type CreditHold = SuccessOf<typeof getHoldRoute>;
export type CommitRequest = JsonBodyOf<typeof commitRoute>;
export type GrantRequest = JsonBodyOf<typeof grantRoute>;
export type GrantResult = SuccessOf<typeof grantRoute>;
export type CreditBalanceList = SuccessOf<typeof balancesRoute>;
export type CreditHistoryQuery = QueryOf<typeof historyRoute>;
export type CreditHistoryPage = SuccessOf<typeof historyRoute>;
export type ProductList = SuccessOf<typeof productsRoute>;
export type UsageStatus = SuccessOf<typeof usageStatusRoute>;
export type LedgerTransaction = SuccessOf<typeof getTransactionRoute>;
export type SellerDashboardQuery = QueryOf<typeof sellerDashboardOfCustomerRoute>;
export type SellerDashboard = SuccessOf<typeof sellerDashboardOfCustomerRoute>;

/** A usage event; `idempotencyKey` is filled in by `usage.track` when omitted. */
export type UsageEvent = UsageEventBody;
export type TrackResult = SuccessOf<typeof ingestRoute>;
export type CreateWebhookEndpointRequest = JsonBodyOf<typeof createEndpointRoute>;
export type WebhookEndpointWithSecret = SuccessOf<typeof createEndpointRoute>;
export type WebhookEndpoint = SuccessOf<typeof getEndpointRoute>;
export type WebhookEndpointList = SuccessOf<typeof listEndpointsRoute>;
export type UpdateWebhookEndpointRequest = JsonBodyOf<typeof updateEndpointRoute>;
export type WebhookDeliveryQuery = QueryOf<typeof listDeliveriesRoute>;
export type WebhookDeliveryList = SuccessOf<typeof listDeliveriesRoute>;
export type WebhookDelivery = SuccessOf<typeof redeliverRoute>;
export type WebhookEventTypeList = SuccessOf<typeof eventTypesRoute>;

/** A request whose `idempotencyKey` the client fills in (with the call's `Idempotency-Key`) when omitted. */
export type WithOptionalKey<T> = T extends { idempotencyKey: string }
  ? Omit<T, "idempotencyKey"> & { idempotencyKey?: string }
  : T;

// The admin answers the dashboard reads (admin key or dashboard session).
export type AdminOverview = SuccessOf<typeof overviewRoute>;
export type CustomerSearchResult = SuccessOf<typeof searchRoute>;
export type CustomerSummary = SuccessOf<typeof summaryRoute>;
export type PaymentList = SuccessOf<typeof paymentsRoute>;
export type CatalogPlan = SuccessOf<typeof diffRoute>;
export type InboxDeliveryList = SuccessOf<typeof inboxDeliveriesRoute>;
export type UsageSyncStatus = SuccessOf<typeof usageSyncStatusRoute>;
export type SettingsView = SuccessOf<typeof getSettingsRoute>;
