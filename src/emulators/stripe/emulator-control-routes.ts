import type { Context } from "hono";
import { z } from "zod";
import { registerSharedControlRoutes } from "../shared/control-routes.js";
import { advanceClock } from "./billing-scheduler.js";
import { payCheckoutSession } from "./checkout-operations.js";
import { findSession } from "./checkout-sessions-routes.js";
import { findCustomer } from "./customers-routes.js";
import { attachPaymentMethod, createCardPaymentMethod, setDefaultPaymentMethod } from "./payment-methods.js";
import type { StripeApp } from "./stripe-app-types.js";
import { fromZodError, invalidRequest } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const paySchema = z.object({
  card: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
  /** For cards that ask for 3D Secure: true completes it, false fails it. */
  authenticate: z.boolean().optional(),
});

async function jsonBody<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  const input: unknown = await context.req.json().catch(() => {
    throw invalidRequest("Invalid JSON body.");
  });
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}

/** Test-only controls under `/_emulator` (no key): clock, payments, saved cards, faults, state. */
export function registerEmulatorControlRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  registerSharedControlRoutes(app, runtime, {
    parseBody: jsonBody,
    clockView: () => ({
      now: runtime.clock.now().toISOString(),
      now_seconds: runtime.nowSeconds(),
      offset_seconds: runtime.clock.offsetSeconds,
    }),
    advanceClock: (seconds) => advanceClock(runtime, seconds),
  });

  // What the hosted page does, for tests that do not want to post HTML forms.
  app.post("/_emulator/checkout/sessions/:id/pay", async (context) => {
    const session = findSession(runtime, context.req.param("id"));
    const body = await jsonBody(context, paySchema);
    if (session.status !== "open")
      throw invalidRequest(`This Checkout Session is ${session.status}.`, "session");
    const outcome = runtime.automatically(() => payCheckoutSession(runtime, session, body));
    return context.json({ outcome, session }, outcome.status === "succeeded" ? 200 : 402);
  });

  // Swapping the default card is how a test makes the next renewal fail (or recover).
  app.post("/_emulator/customers/:id/card", async (context) => {
    const customer = findCustomer(runtime, context.req.param("id"), "id");
    const body = await jsonBody(context, z.object({ card: z.string() }));
    const paymentMethod = runtime.automatically(() => {
      const created = createCardPaymentMethod(runtime, body.card);
      attachPaymentMethod(runtime, created, customer);
      setDefaultPaymentMethod(runtime, customer, created.id);
      for (const subscription of runtime.store.subscriptions.filter((row) => row.customer === customer.id))
        subscription.default_payment_method = created.id;
      return created;
    });
    return context.json({
      customer: customer.id,
      payment_method: paymentMethod.id,
      last4: paymentMethod.card.last4,
    });
  });

  app.get("/_emulator/webhooks/deliveries", (context) =>
    context.json({ data: runtime.store.deliveries.all() }),
  );
}
