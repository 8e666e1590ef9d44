import type { Context } from "hono";
import type { PortalSessionObject, SubscriptionObject } from "./billing-records.js";
import { findCustomerOrNull } from "./customer-lookup.js";
import { escapeHtml, formatMoney, htmlPage, TEST_CARD_HINT } from "./html-layout.js";
import { attachPaymentMethod, createCardPaymentMethod, setDefaultPaymentMethod } from "./payment-methods.js";
import { PORTAL_SESSION_TTL_SECONDS } from "./portal-routes.js";
import type { StripeApp } from "./stripe-app-types.js";
import { StripeApiError } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { updateSubscription } from "./subscriptions-routes.js";

function subscriptionRow(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  action: string,
): string {
  const item = subscription.items.data[0];
  const productId = typeof item?.price.product === "string" ? item.price.product : "";
  const name = runtime.store.products.get(productId)?.name ?? "Subscription";
  const amount = item
    ? formatMoney(Number(item.price.unit_amount ?? 0) * item.quantity, item.price.currency)
    : "";
  const end = item ? new Date(item.current_period_end * 1000).toISOString().slice(0, 10) : "";
  const state = subscription.cancel_at_period_end
    ? `Cancels on ${end}`
    : `${subscription.status}, renews ${end}`;
  const button = subscription.cancel_at_period_end
    ? `<button type="submit" name="renew" value="${escapeHtml(subscription.id)}">Renew plan</button>`
    : `<button class="secondary" type="submit" name="cancel" value="${escapeHtml(subscription.id)}">Cancel plan</button>`;
  return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(amount)}</td><td>${escapeHtml(state)}</td><td><form method="post" action="${escapeHtml(action)}">${button}</form></td></tr>`;
}

function portalBody(
  runtime: StripeEmulatorRuntime,
  session: PortalSessionObject,
  path: string,
  notice?: string,
): string {
  const customer = findCustomerOrNull(runtime, session.customer);
  const subscriptions = runtime.store.subscriptions.filter(
    (row) =>
      row.customer === session.customer && row.status !== "canceled" && row.status !== "incomplete_expired",
  );
  const rows = subscriptions.map((subscription) => subscriptionRow(runtime, subscription, path)).join("");
  const card = customer?.invoice_settings.default_payment_method
    ? runtime.store.paymentMethods.get(customer.invoice_settings.default_payment_method)?.card.last4
    : undefined;
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : "";
  return `<h1>Billing for ${escapeHtml(customer?.email ?? session.customer)}</h1>
${notice ? `<p class="banner" role="status">${escapeHtml(notice)}</p>` : ""}
<h2>Subscriptions</h2>
${rows ? `<table>${rows}</table>` : "<p>No active subscriptions.</p>"}
<h2>Payment method</h2>
<p>${card ? `Card ending in ${escapeHtml(card)}` : "No card on file."}</p>
<form method="post" action="${escapeHtml(path)}"><label for="card">New card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" required><button type="submit">Update card</button></form>
${TEST_CARD_HINT}
${back}`;
}

function applyAction(
  runtime: StripeEmulatorRuntime,
  session: PortalSessionObject,
  form: Record<string, unknown>,
): string {
  const target =
    typeof form.cancel === "string" ? form.cancel : typeof form.renew === "string" ? form.renew : undefined;
  if (target) {
    const subscription = runtime.store.subscriptions.get(target);
    if (!subscription || subscription.customer !== session.customer) return "Subscription not found.";
    updateSubscription(runtime, subscription, { cancel_at_period_end: typeof form.cancel === "string" });
    return typeof form.cancel === "string"
      ? "Your plan will be canceled at the end of the period."
      : "Your plan will renew.";
  }
  const customer = findCustomerOrNull(runtime, session.customer);
  if (typeof form.card === "string" && customer) {
    const paymentMethod = createCardPaymentMethod(runtime, form.card);
    attachPaymentMethod(runtime, paymentMethod, customer);
    setDefaultPaymentMethod(runtime, customer, paymentMethod.id);
    for (const subscription of runtime.store.subscriptions.filter((row) => row.customer === customer.id))
      subscription.default_payment_method = paymentMethod.id;
    return `Card ending in ${paymentMethod.card.last4} saved.`;
  }
  return "Nothing to do.";
}

/** The hosted customer portal: see and cancel or renew subscriptions, replace the card. */
export function registerPortalPages(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const find = (context: Context): PortalSessionObject | undefined => {
    const path = `/p/session/${context.req.param("secret") ?? ""}`;
    const session = runtime.store.portalSessions.find((row) => row.url.endsWith(path));
    return session && runtime.nowSeconds() - session.created <= PORTAL_SESSION_TTL_SECONDS
      ? session
      : undefined;
  };
  app.get("/p/session/:secret", (context) => {
    const session = find(context);
    if (!session) return context.html(htmlPage("Expired", "<h1>This portal link has expired.</h1>"), 404);
    return context.html(htmlPage("Billing", portalBody(runtime, session, context.req.path)));
  });
  app.post("/p/session/:secret", async (context) => {
    const session = find(context);
    if (!session) return context.html(htmlPage("Expired", "<h1>This portal link has expired.</h1>"), 404);
    const form = await context.req.parseBody();
    try {
      const notice = runtime.automatically(() => applyAction(runtime, session, form));
      return context.html(htmlPage("Billing", portalBody(runtime, session, context.req.path, notice)));
    } catch (error) {
      if (error instanceof StripeApiError)
        return context.html(
          htmlPage("Billing", portalBody(runtime, session, context.req.path, error.message)),
          400,
        );
      throw error;
    }
  });
}
