import type { Hono } from "hono";
import { registerBenefitRoutes } from "./benefits-routes.js";
import { registerCheckoutPages } from "./checkout-pages.js";
import { registerCheckoutRoutes } from "./checkouts-routes.js";
import { registerCustomerPortalRoutes } from "./customer-portal-routes.js";
import { registerCustomerSessionRoutes } from "./customer-sessions-routes.js";
import { registerCustomerRoutes } from "./customers-routes.js";
import { registerEmulatorControlRoutes } from "./emulator-control-routes.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { registerEventRoutes } from "./events-routes.js";
import { registerMeterRoutes } from "./meters-routes.js";
import { registerOrderRoutes } from "./orders-routes.js";
import { registerPortalPages } from "./portal-pages.js";
import { registerProductRoutes } from "./products-routes.js";
import { registerSubscriptionRoutes } from "./subscriptions-routes.js";
import { registerWebhookEndpointRoutes } from "./webhook-endpoints-routes.js";

/** Every route group, in one place so the app factory stays small. */
export function registerAllRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  registerProductRoutes(app, runtime);
  registerCheckoutRoutes(app, runtime);
  registerCustomerRoutes(app, runtime);
  registerCustomerSessionRoutes(app, runtime);
  registerCustomerPortalRoutes(app, runtime);
  registerSubscriptionRoutes(app, runtime);
  registerOrderRoutes(app, runtime);
  registerMeterRoutes(app, runtime);
  registerEventRoutes(app, runtime);
  registerBenefitRoutes(app, runtime);
  registerWebhookEndpointRoutes(app, runtime);
  registerEmulatorControlRoutes(app, runtime);
  registerCheckoutPages(app, runtime);
  // Last: `/:slug/portal` starts with a parameter, so it must not get the chance to match fixed paths first.
  registerPortalPages(app, runtime);
}
