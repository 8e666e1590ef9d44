import type { Hono } from "hono";
import { z } from "zod";
import { touch } from "./billing-operations.js";
import { advanceClock } from "./billing-scheduler.js";
import { serializeCheckout } from "./billing-serializers.js";
import { payCheckout } from "./checkout-payment.js";
import type { FaultSettings } from "./emulator-faults.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, parseBody } from "./polar-errors.js";
import { isKnownTestCard } from "./test-cards.js";

const rate = z.number().min(0).max(1);
const faultsSchema = z.object({
  seed: z.union([z.number().int(), z.string()]).optional(),
  webhookDropRate: rate.optional(),
  webhookDuplicateRate: rate.optional(),
  webhookReorderRate: rate.optional(),
  webhookDelayRate: rate.optional(),
  webhookDelayMs: z.number().int().min(0).optional(),
  apiErrorRate: rate.optional(),
  apiLatencyMs: z.number().int().min(0).optional(),
  apiRateLimitRate: rate.optional(),
  apiRetryAfterSeconds: z.number().int().min(0).optional(),
  apiResponseLostRate: rate.optional(),
});
const paySchema = z.object({
  card: z.string(),
  amount: z.number().int().min(0).optional(),
  customer_email: z.string().email().optional(),
  customer_name: z.string().optional(),
});

/** Test-only controls under `/_emulator` (no Bearer token): clock, payments, saved cards, faults. */
export function registerEmulatorControlRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const clockView = () => ({ now: runtime.nowIso(), offset_seconds: runtime.clock.offsetSeconds });

  app.get("/_emulator/clock", (context) => context.json(clockView()));

  app.post("/_emulator/clock/advance", async (context) => {
    const body = await parseBody(context, z.object({ seconds: z.number().min(0) }));
    advanceClock(runtime, body.seconds);
    return context.json(clockView());
  });

  app.post("/_emulator/checkouts/:id/pay", async (context) => {
    const checkout = runtime.store.checkouts.get(context.req.param("id"));
    if (!checkout) throw notFound();
    const body = await parseBody(context, paySchema);
    const outcome = payCheckout(runtime, checkout, {
      card: body.card,
      amount: body.amount,
      customerEmail: body.customer_email,
      customerName: body.customer_name,
    });
    const rendered = serializeCheckout(runtime.store, runtime.publicUrl ?? "", checkout);
    if (outcome.succeeded) return context.json(rendered);
    return context.json(
      {
        error: "PaymentFailed",
        detail: outcome.message,
        decline_code: outcome.declineCode,
        checkout: rendered,
      },
      402,
    );
  });

  // Swapping the saved card is how a test makes the next renewal charge fail (or recover).
  app.post("/_emulator/customers/:id/card", async (context) => {
    const customer = runtime.store.customers.get(context.req.param("id"));
    if (!customer) throw notFound();
    const body = await parseBody(context, z.object({ card: z.string() }));
    if (!isKnownTestCard(body.card)) throw fieldError(["card"], "Unknown test card number.", body.card);
    customer.payment_card = body.card;
    touch(runtime, customer);
    return context.json({ customer_id: customer.id, card_last4: body.card.slice(-4) });
  });

  registerFaultRoutes(app, runtime);

  app.post("/_emulator/webhooks/idle", async (context) => {
    await runtime.dispatcher.idle();
    return context.json({ idle: true });
  });

  app.get("/_emulator/state", (context) => context.json(runtime.snapshot()));
}

function registerFaultRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  app.get("/_emulator/faults", (context) =>
    context.json({ settings: runtime.faults.settings, fired: runtime.faults.fired }),
  );

  app.post("/_emulator/faults", async (context) => {
    const { seed, ...settings } = await parseBody(context, faultsSchema);
    runtime.faults.configure(settings as Partial<FaultSettings>, seed);
    return context.json({ settings: runtime.faults.settings, fired: runtime.faults.fired });
  });

  app.delete("/_emulator/faults", (context) => {
    runtime.faults.reset();
    return context.json({ settings: runtime.faults.settings, fired: runtime.faults.fired });
  });
}
