import type { Context, Hono } from "hono";
import { checkoutSuccessUrl } from "./billing-serializers.js";
import { expireIfDue, payCheckout } from "./checkout-payment.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { escapeHtml, formatMoney, htmlPage } from "./html-layout.js";
import { PolarApiError, PolarValidationError } from "./polar-errors.js";
import type { CheckoutRecord } from "./polar-records.js";

function priceDescription(runtime: PolarEmulatorRuntime, checkout: CheckoutRecord): string {
  const price = runtime.store.prices.get(checkout.product_price_id);
  const product = runtime.store.products.get(checkout.product_id);
  const cadence = product?.recurring_interval
    ? ` per ${product.recurring_interval_count ?? 1} ${product.recurring_interval}`
    : "";
  if (price?.amount_type === "custom") {
    const maximum =
      price.maximum_amount !== null ? ` and ${formatMoney(price.maximum_amount, checkout.currency)}` : "";
    return `Pay what you want: between ${formatMoney(price.minimum_amount ?? 0, checkout.currency)}${maximum}${cadence}`;
  }
  if (price?.amount_type === "metered_unit")
    return `Usage-based: ${price.unit_amount} ${checkout.currency.toUpperCase()} cents per unit`;
  return `${formatMoney(checkout.amount, checkout.currency)}${cadence}`;
}

function paymentForm(runtime: PolarEmulatorRuntime, checkout: CheckoutRecord, error?: string): string {
  const product = runtime.store.products.get(checkout.product_id);
  const price = runtime.store.prices.get(checkout.product_price_id);
  const amountField =
    price?.amount_type === "custom"
      ? `<label for="amount">Amount (${escapeHtml(checkout.currency.toUpperCase())})</label>
<input id="amount" name="amount" type="number" step="0.01" value="${(checkout.amount / 100).toFixed(2)}">`
      : "";
  const emailField = checkout.customer_id
    ? ""
    : `<label for="customer_email">Email</label>
<input id="customer_email" name="customer_email" type="email" required value="${escapeHtml(checkout.customer_email ?? "")}">
<label for="customer_name">Name</label>
<input id="customer_name" name="customer_name" value="${escapeHtml(checkout.customer_name ?? "")}">`;
  return `<h1>${escapeHtml(product?.name ?? "Checkout")}</h1>
<p>${escapeHtml(product?.description ?? "")}</p>
<p><strong>${escapeHtml(priceDescription(runtime, checkout))}</strong></p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/checkout/${escapeHtml(checkout.client_secret)}">
${amountField}
${emailField}
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" placeholder="4242 4242 4242 4242" required>
<button type="submit">Pay</button>
</form>
<p><small>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds.</small></p>`;
}

function statusPage(context: Context, checkout: CheckoutRecord, runtime: PolarEmulatorRuntime): Response {
  if (checkout.status === "expired")
    return context.html(htmlPage("Expired", "<h1>This checkout has expired.</h1>"), 410);
  if (checkout.status === "failed") {
    const reason = checkout.failure_reason ?? "The payment failed.";
    return context.html(
      htmlPage(
        "Payment failed",
        `<h1>Payment failed</h1><p class="error" role="alert">${escapeHtml(reason)}</p>`,
      ),
      402,
    );
  }
  const successUrl = checkoutSuccessUrl(runtime.publicUrl ?? "", checkout).replaceAll(
    "{CHECKOUT_ID}",
    checkout.id,
  );
  return context.html(
    htmlPage("Paid", `<h1>Payment complete</h1><p><a href="${escapeHtml(successUrl)}">Continue</a></p>`),
  );
}

/** Major units typed by a person (`12.50`) to minor units; empty means "use the current amount". */
function amountFromForm(value: unknown): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const amount = Number(value);
  return Number.isFinite(amount) ? Math.round(amount * 100) : Number.NaN;
}

export function registerCheckoutPages(app: Hono, runtime: PolarEmulatorRuntime): void {
  const find = (context: Context) =>
    runtime.store.checkouts.find((row) => row.client_secret === context.req.param("client_secret"));

  app.get("/checkout/:client_secret", (context) => {
    const checkout = find(context);
    if (!checkout) return context.html(htmlPage("Not found", "<h1>Checkout not found</h1>"), 404);
    expireIfDue(runtime, checkout);
    if (checkout.status !== "open") return statusPage(context, checkout, runtime);
    return context.html(htmlPage("Checkout", paymentForm(runtime, checkout)));
  });

  app.get("/checkout/:client_secret/confirmation", (context) => {
    const checkout = find(context);
    if (!checkout) return context.html(htmlPage("Not found", "<h1>Checkout not found</h1>"), 404);
    return context.html(
      htmlPage(
        "Thank you",
        `<h1>Thank you!</h1><p>Checkout ${escapeHtml(checkout.id)} is ${escapeHtml(checkout.status)}.</p>`,
      ),
    );
  });

  app.post("/checkout/:client_secret", async (context) => {
    const checkout = find(context);
    if (!checkout) return context.html(htmlPage("Not found", "<h1>Checkout not found</h1>"), 404);
    const form = await context.req.parseBody();
    try {
      const outcome = payCheckout(runtime, checkout, {
        card: String(form.card ?? ""),
        amount: amountFromForm(form.amount),
        customerEmail:
          typeof form.customer_email === "string" && form.customer_email ? form.customer_email : undefined,
        customerName:
          typeof form.customer_name === "string" && form.customer_name ? form.customer_name : undefined,
      });
      if (!outcome.succeeded) return statusPage(context, checkout, runtime);
      const successUrl = checkoutSuccessUrl(runtime.publicUrl ?? "", checkout).replaceAll(
        "{CHECKOUT_ID}",
        checkout.id,
      );
      return context.redirect(successUrl, 303);
    } catch (error) {
      if (error instanceof PolarValidationError) {
        return context.html(htmlPage("Checkout", paymentForm(runtime, checkout, error.message)), 422);
      }
      if (error instanceof PolarApiError) return statusPage(context, checkout, runtime);
      throw error;
    }
  });
}
