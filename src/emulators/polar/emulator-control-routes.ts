import type { Hono } from "hono";
import { z } from "zod";
import { registerSharedControlRoutes } from "../shared/control-routes.js";
import { touch } from "./billing-operations.js";
import { advanceClock } from "./billing-scheduler.js";
import { serializeCheckout } from "./billing-serializers.js";
import { payCheckout } from "./checkout-payment.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, parseBody } from "./polar-errors.js";
import { isKnownTestCard } from "./test-cards.js";

const paySchema = z.object({
  card: z.string(),
  amount: z.number().int().min(0).optional(),
  customer_email: z.string().email().optional(),
  customer_name: z.string().optional(),
});

/** Test-only controls under `/_emulator` (no Bearer token): clock, payments, saved cards, faults. */
export function registerEmulatorControlRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  registerSharedControlRoutes(app, runtime, {
    parseBody,
    clockView: () => ({ now: runtime.nowIso(), offset_seconds: runtime.clock.offsetSeconds }),
    advanceClock: (seconds) => advanceClock(runtime, seconds),
  });

  // Every ingested usage event (all pages at once) and the ingest totals, for tests.
  app.get("/_emulator/events", (context) =>
    context.json({
      items: runtime.store.events.all(),
      inserted_total: runtime.eventIngestTotals.inserted,
      duplicates_total: runtime.eventIngestTotals.duplicates,
    }),
  );

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
}
