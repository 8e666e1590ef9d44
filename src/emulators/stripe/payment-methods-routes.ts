import { z } from "zod";
import { findCustomer } from "./customers-routes.js";
import { attachPaymentMethod, createCardPaymentMethod, resolvePaymentMethod } from "./payment-methods.js";
import { expandParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, missingParam } from "./stripe-errors.js";
import { expandObject, listParams, paginate } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/**
 * Card payment methods from raw test numbers (`card[number]`) or test tokens (`card[token]=tok_visa`).
 * Real Stripe refuses raw numbers from servers without special approval; the emulator allows them.
 */
export function registerPaymentMethodRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/payment_methods", async (context) => {
    const body = await readForm(
      context,
      runtime,
      z.object({
        type: z.literal("card"),
        card: z.object({ number: z.string().optional(), token: z.string().optional() }).optional(),
        expand: expandParam,
      }),
    );
    const reference = body.card?.number ?? body.card?.token;
    if (!reference) throw missingParam("card[number]");
    const paymentMethod = body.card?.number
      ? createCardPaymentMethod(runtime, body.card.number)
      : resolvePaymentMethod(runtime, reference, "card[token]");
    return context.json(expandObject(store, paymentMethod, body.expand));
  });

  app.get("/v1/payment_methods/:id", (context) =>
    context.json(resolvePaymentMethod(runtime, context.req.param("id"), "id")),
  );

  app.post("/v1/payment_methods/:id/attach", async (context) => {
    const body = await readForm(context, runtime, z.object({ customer: z.string(), expand: expandParam }));
    const paymentMethod = resolvePaymentMethod(runtime, context.req.param("id"), "id");
    attachPaymentMethod(runtime, paymentMethod, findCustomer(runtime, body.customer));
    return context.json(expandObject(store, paymentMethod, body.expand));
  });

  app.post("/v1/payment_methods/:id/detach", async (context) => {
    await readForm(context, runtime, z.object({ expand: expandParam }));
    const paymentMethod = resolvePaymentMethod(runtime, context.req.param("id"), "id");
    if (!paymentMethod.customer)
      throw invalidRequest("The payment method is not attached to a customer.", "payment_method");
    paymentMethod.customer = null;
    runtime.emit("payment_method.detached", paymentMethod);
    return context.json(paymentMethod);
  });

  app.get("/v1/customers/:id/payment_methods", (context) => {
    const customer = findCustomer(runtime, context.req.param("id"), "customer");
    const query = readQuery(context, z.object({ ...listParams, type: z.string().optional() }));
    return context.json(
      paginate(
        store.paymentMethods.filter((row) => row.customer === customer.id),
        `/v1/customers/${customer.id}/payment_methods`,
        query,
      ),
    );
  });
}
