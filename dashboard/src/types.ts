/**
 * The shapes of the API's answers, as the dashboard reads them: every one comes from the client's
 * contract (`src/client/contract.ts`, read off the server's own route definitions). Type-only
 * imports are erased from the bundle, so no server code reaches the browser, and the dashboard
 * cannot drift from the API: a changed route schema fails `tsc` here.
 */
import type {
  AdminOverview,
  CatalogPlan,
  CustomerSearchResult,
  CustomerSummary as CustomerSummaryAnswer,
  InboxDeliveryList,
  PaymentList,
  UsageSyncStatus as UsageSyncStatusAnswer,
  WebhookDeliveryList,
} from "../../src/client/contract.js";

export type Overview = AdminOverview;
export type Customer = CustomerSearchResult["items"][number];
export type Payment = PaymentList["items"][number];
export type CustomerSummary = CustomerSummaryAnswer;
/** One provider delivery in the webhook inbox. */
export type WebhookDelivery = InboxDeliveryList["items"][number];
export type CatalogAction = CatalogPlan["actions"][number];
/** `GET /v1/usage/sync`: usage waiting to be sent to the provider, and what gave up. */
export type UsageSyncStatus = UsageSyncStatusAnswer;
export type UsageSyncDeadLetter = UsageSyncStatus["deadLetters"][number];
export type { SettingsView, WebhookEndpoint } from "../../src/client/contract.js";

/** One event on its way to one of the app's endpoints. */
export type OutboundDelivery = WebhookDeliveryList["items"][number];
