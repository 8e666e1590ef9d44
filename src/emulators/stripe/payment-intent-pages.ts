import type { Context } from "hono";
import { escapeHtml, formatMoney, htmlPage, TEST_CARD_HINT } from "./html-layout.js";
import { createCardPaymentMethod, resolvePaymentMethod } from "./payment-methods.js";
import { confirmPaymentIntent } from "./payment-processing.js";
import type { StripeApp } from "./stripe-app-types.js";
import { StripeApiError } from "./stripe-errors.js";
import type { PaymentIntentObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Where Stripe.js sends the payer after a redirect-based step, with its standard query parameters. */
function returnLocation(intent: PaymentIntentObject, returnUrl: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set("payment_intent", intent.id);
  url.searchParams.set("payment_intent_client_secret", intent.client_secret);
  url.searchParams.set("redirect_status", intent.status === "succeeded" ? "succeeded" : "failed");
  return url.toString();
}

function resultPage(
  context: Context,
  intent: PaymentIntentObject,
  returnUrl: string | null | undefined,
): Response {
  if (returnUrl) return context.redirect(returnLocation(intent, returnUrl), 303);
  const message =
    intent.status === "succeeded"
      ? "Payment complete."
      : (intent.last_payment_error?.message ?? `Status: ${intent.status}`);
  return context.html(
    htmlPage("Payment", `<h1>${escapeHtml(message)}</h1>`),
    intent.status === "succeeded" ? 200 : 402,
  );
}

function failAuthentication(runtime: StripeEmulatorRuntime, intent: PaymentIntentObject): void {
  const paymentMethod =
    typeof intent.payment_method === "string"
      ? runtime.store.paymentMethods.get(intent.payment_method)
      : undefined;
  intent.status = "requires_payment_method";
  intent.next_action = null;
  intent.last_payment_error = {
    type: "card_error",
    code: "payment_intent_authentication_failure",
    message:
      "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
    payment_method: paymentMethod
      ? (structuredClone(paymentMethod) as unknown as Record<string, unknown>)
      : null,
  };
  runtime.emit("payment_intent.payment_failed", intent);
}

/**
 * Pages a browser reaches for PaymentIntents: `/elements/pay/:client_secret` stands in for an embedded
 * payment form (card field + pay), and `/authenticate/:client_secret` is the 3D Secure step that
 * `next_action.redirect_to_url` points at.
 */
export function registerPaymentIntentPages(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const find = (context: Context) =>
    runtime.store.paymentIntents.find((row) => row.client_secret === context.req.param("secret"));
  const notFound = (context: Context) =>
    context.html(htmlPage("Not found", "<h1>Payment not found</h1>"), 404);

  app.get("/elements/pay/:secret", (context) => {
    const intent = find(context);
    if (!intent) return notFound(context);
    const returnUrl = context.req.query("return_url") ?? "";
    return context.html(
      htmlPage(
        "Pay",
        `<h1>Pay ${escapeHtml(formatMoney(intent.amount, intent.currency))}</h1><p>Status: ${escapeHtml(intent.status)}</p>
<form method="post"><input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">
<label for="card">Card number</label><input id="card" name="card" inputmode="numeric" autocomplete="off" required>
<button type="submit">Pay</button></form>${TEST_CARD_HINT}`,
      ),
    );
  });

  app.post("/elements/pay/:secret", async (context) => {
    const intent = find(context);
    if (!intent) return notFound(context);
    const form = await context.req.parseBody();
    const returnUrl = typeof form.return_url === "string" && form.return_url ? form.return_url : null;
    try {
      runtime.automatically(() => {
        const paymentMethod = createCardPaymentMethod(runtime, String(form.card ?? ""));
        confirmPaymentIntent(runtime, intent, paymentMethod, { returnUrl });
      });
    } catch (error) {
      if (error instanceof StripeApiError)
        return context.html(
          htmlPage("Pay", `<p class="error" role="alert">${escapeHtml(error.message)}</p>`),
          400,
        );
      throw error;
    }
    if (intent.status === "requires_action")
      return context.redirect(`/authenticate/${intent.client_secret}`, 303);
    return resultPage(context, intent, returnUrl);
  });

  app.get("/authenticate/:secret", (context) => {
    const intent = find(context);
    if (!intent) return notFound(context);
    if (intent.status !== "requires_action")
      return resultPage(context, intent, intent.next_action?.redirect_to_url?.return_url);
    return context.html(
      htmlPage(
        "Authenticate",
        `<h1>Authenticate this payment</h1><p>${escapeHtml(formatMoney(intent.amount, intent.currency))} (3D Secure test)</p>
<form method="post"><button type="submit" name="result" value="complete">Complete authentication</button>
<button class="secondary" type="submit" name="result" value="fail">Fail authentication</button></form>`,
      ),
    );
  });

  app.post("/authenticate/:secret", async (context) => {
    const intent = find(context);
    if (!intent) return notFound(context);
    const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
    if (intent.status !== "requires_action") return resultPage(context, intent, returnUrl);
    const form = await context.req.parseBody();
    runtime.automatically(() => {
      if (form.result !== "complete") return failAuthentication(runtime, intent);
      const paymentMethod = resolvePaymentMethod(runtime, String(intent.payment_method));
      confirmPaymentIntent(runtime, intent, paymentMethod, { authenticated: true });
    });
    return resultPage(context, intent, returnUrl);
  });
}
