import { z } from "zod";
import type { PortalSessionObject } from "./billing-records.js";
import { findCustomer } from "./customers-routes.js";
import { expandParam, readForm } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const createSchema = z.object({
  customer: z.string(),
  return_url: z.string().optional(),
  configuration: z.string().optional(),
  locale: z.string().optional(),
  flow_data: z
    .object({
      type: z.string(),
      subscription_cancel: z.object({ subscription: z.string() }).optional(),
    })
    .passthrough()
    .optional(),
  expand: expandParam,
});

/**
 * `flow_data.type = subscription_cancel`: the portal opens on that subscription's cancellation. Stripe
 * refuses a subscription of another customer, an ended one, or one already set to cancel.
 */
function cancelFlow(
  runtime: StripeEmulatorRuntime,
  customerId: string,
  flowData: z.output<typeof createSchema>["flow_data"],
): PortalSessionObject["flow"] {
  if (!flowData) return null;
  if (flowData.type !== "subscription_cancel")
    throw invalidRequest(
      `The flow type '${flowData.type}' is not supported by the emulator.`,
      "flow_data[type]",
    );
  const id = flowData.subscription_cancel?.subscription;
  if (!id) throw invalidRequest("Missing required param: flow_data[subscription_cancel][subscription].");
  const subscription = runtime.store.subscriptions.get(id);
  if (!subscription || subscription.customer !== customerId)
    throw resourceMissing("subscription", id, "flow_data[subscription_cancel][subscription]");
  if (subscription.status === "canceled" || subscription.status === "incomplete_expired")
    throw invalidRequest("You can't cancel a subscription that has already ended.", "flow_data");
  if (subscription.cancel_at_period_end || subscription.cancel_at !== null)
    throw invalidRequest("This subscription is already set to be canceled.", "flow_data");
  return {
    type: "subscription_cancel",
    after_completion: { type: "portal_homepage", hosted_confirmation: null, redirect: null },
    customer_update: null,
    subscription_cancel: { retention: null, subscription: id },
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
  };
}

/** Portal links are short-lived at Stripe (about five minutes, UNCONFIRMED); ours last an hour of emulator time. */
export const PORTAL_SESSION_TTL_SECONDS = 60 * 60;

export function registerPortalRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/v1/billing_portal/sessions", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    const customer = findCustomer(runtime, body.customer);
    const flow = cancelFlow(runtime, customer.id, body.flow_data);
    const secret = runtime.random.alphanumeric(32);
    const session: PortalSessionObject = {
      id: runtime.newId("bps_", 24),
      object: "billing_portal.session",
      configuration: body.configuration ?? "bpc_emulator_default",
      created: runtime.nowSeconds(),
      customer: customer.id,
      flow,
      customer_account: null,
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
