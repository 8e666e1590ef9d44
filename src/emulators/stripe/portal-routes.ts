import { z } from "zod";
import type { PortalSessionObject } from "./billing-records.js";
import { findCustomer } from "./customers-routes.js";
import { expandParam, readForm } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const createSchema = z.object({
  customer: z.string(),
  return_url: z.string().optional(),
  configuration: z.string().optional(),
  locale: z.string().optional(),
  flow_data: z.record(z.string(), z.unknown()).optional(),
  expand: expandParam,
});

/** Portal links are short-lived at Stripe (about five minutes, UNCONFIRMED); ours last an hour of emulator time. */
export const PORTAL_SESSION_TTL_SECONDS = 60 * 60;

export function registerPortalRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/v1/billing_portal/sessions", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    const customer = findCustomer(runtime, body.customer);
    const secret = runtime.random.alphanumeric(32);
    const session: PortalSessionObject = {
      id: runtime.newId("bps_", 24),
      object: "billing_portal.session",
      configuration: body.configuration ?? "bpc_emulator_default",
      created: runtime.nowSeconds(),
      customer: customer.id,
      flow: null,
      livemode: false,
      locale: body.locale ?? null,
      on_behalf_of: null,
      return_url: body.return_url ?? null,
      url: `${runtime.publicUrl ?? ""}/p/session/${secret}`,
    };
    runtime.store.portalSessions.put(session);
    return context.json(session);
  });
}
