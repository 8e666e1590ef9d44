import { registerCatalogRoutes } from "./catalog-routes.js";
import { registerCheckoutPages } from "./checkout-pages.js";
import { registerCheckoutSessionRoutes } from "./checkout-sessions-routes.js";
import { registerConnectPages } from "./connect-pages.js";
import { registerConnectRoutes } from "./connect-routes.js";
import { registerCustomerRoutes } from "./customers-routes.js";
import { registerDisputeControlRoutes, registerDisputeRoutes } from "./disputes-routes.js";
import { registerEmulatorControlRoutes } from "./emulator-control-routes.js";
import { registerInvoiceRoutes } from "./invoices-routes.js";
import { registerMeterEventStreamRoutes } from "./meter-event-stream-routes.js";
import { registerMeterRoutes } from "./meters-routes.js";
import { registerPaymentIntentPages } from "./payment-intent-pages.js";
import { registerPaymentIntentRoutes } from "./payment-intents-routes.js";
import { registerPaymentMethodRoutes } from "./payment-methods-routes.js";
import { registerPortalPages } from "./portal-pages.js";
import { registerPortalRoutes } from "./portal-routes.js";
import { registerRefundRoutes } from "./refunds-routes.js";
import type { StripeApp } from "./stripe-app-types.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { registerSubscriptionRoutes } from "./subscriptions-routes.js";
import { registerTestClockRoutes } from "./test-clocks-routes.js";
import { registerTransferReversalRoutes } from "./transfer-reversals.js";
import { registerWebhookEndpointRoutes } from "./webhook-endpoints-routes.js";

/** Every route group, in one place so the app factory stays small. */
export function registerAllRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  registerCustomerRoutes(app, runtime);
  registerCatalogRoutes(app, runtime);
  registerCheckoutSessionRoutes(app, runtime);
  registerPaymentIntentRoutes(app, runtime);
  registerPaymentMethodRoutes(app, runtime);
  registerSubscriptionRoutes(app, runtime);
  registerInvoiceRoutes(app, runtime);
  registerRefundRoutes(app, runtime);
  registerDisputeRoutes(app, runtime);
  registerPortalRoutes(app, runtime);
  registerMeterRoutes(app, runtime);
  registerMeterEventStreamRoutes(app, runtime);
  registerTestClockRoutes(app, runtime);
  registerConnectRoutes(app, runtime);
  registerTransferReversalRoutes(app, runtime);
  registerWebhookEndpointRoutes(app, runtime);
  registerEmulatorControlRoutes(app, runtime);
  registerDisputeControlRoutes(app, runtime);
  registerCheckoutPages(app, runtime);
  registerPortalPages(app, runtime);
  registerPaymentIntentPages(app, runtime);
  registerConnectPages(app, runtime);
}
