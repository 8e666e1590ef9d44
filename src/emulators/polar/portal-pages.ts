import type { Context, Hono } from "hono";
import { orderTotals } from "./billing-serializers.js";
import { findCustomerSession } from "./customer-sessions-routes.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { escapeHtml, formatMoney, htmlPage } from "./html-layout.js";
import { isEnded, scheduleCancellation } from "./subscription-lifecycle.js";

function portalBody(runtime: PolarEmulatorRuntime, customerId: string, token: string): string {
  const { store } = runtime;
  const customer = store.customers.get(customerId);
  const subscriptions = store.subscriptions.filter((row) => row.customer_id === customerId);
  const orders = store.orders.filter((row) => row.customer_id === customerId);
  const subscriptionRows = subscriptions
    .map((row) => {
      const product = store.products.get(row.product_id);
      const cancel =
        isEnded(row) || row.cancel_at_period_end
          ? escapeHtml(row.cancel_at_period_end ? `Ends ${row.current_period_end}` : "")
          : `<form method="post" action="/${escapeHtml(store.organization.slug)}/portal/subscriptions/${escapeHtml(row.id)}/cancel">
<input type="hidden" name="customer_session_token" value="${escapeHtml(token)}"><button type="submit">Cancel</button></form>`;
      return `<tr><td>${escapeHtml(product?.name ?? row.product_id)}</td><td>${escapeHtml(row.status)}</td><td>${escapeHtml(formatMoney(row.amount, row.currency))}</td><td>${cancel}</td></tr>`;
    })
    .join("\n");
  const orderRows = orders
    .map((row) => {
      const product = row.product_id ? store.products.get(row.product_id) : undefined;
      return `<tr><td>${escapeHtml(row.created_at)}</td><td>${escapeHtml(product?.name ?? "")}</td><td>${escapeHtml(formatMoney(orderTotals(row).total, row.currency))}</td><td>${escapeHtml(row.status)}</td></tr>`;
    })
    .join("\n");
  return `<h1>Customer portal</h1>
<p>${escapeHtml(customer?.email ?? "")}</p>
<h2>Subscriptions</h2>
<table><thead><tr><th>Product</th><th>Status</th><th>Amount</th><th></th></tr></thead><tbody>${subscriptionRows}</tbody></table>
<h2>Orders</h2>
<table><thead><tr><th>Date</th><th>Product</th><th>Total</th><th>Status</th></tr></thead><tbody>${orderRows}</tbody></table>`;
}

function unauthorizedPage(context: Context): Response {
  return context.html(
    htmlPage("Session expired", "<h1>This portal link is invalid or has expired.</h1>"),
    401,
  );
}

/** The customer portal opened from `customer_portal_url`: subscriptions, orders and a cancel button. */
export function registerPortalPages(app: Hono, runtime: PolarEmulatorRuntime): void {
  app.get("/:slug/portal", (context) => {
    const token = context.req.query("customer_session_token") ?? "";
    const session = findCustomerSession(runtime, token);
    if (!session) return unauthorizedPage(context);
    return context.html(htmlPage("Customer portal", portalBody(runtime, session.customer_id, token)));
  });

  app.post("/:slug/portal/subscriptions/:id/cancel", async (context) => {
    const form = await context.req.parseBody();
    const token = String(form.customer_session_token ?? "");
    const session = findCustomerSession(runtime, token);
    if (!session) return unauthorizedPage(context);
    const subscription = runtime.store.subscriptions.get(context.req.param("id"));
    if (!subscription || subscription.customer_id !== session.customer_id) {
      return context.html(htmlPage("Not found", "<h1>Subscription not found</h1>"), 404);
    }
    if (!isEnded(subscription) && !subscription.cancel_at_period_end) {
      scheduleCancellation(runtime, subscription, null, null);
      runtime.changed();
    }
    const back = `/${runtime.store.organization.slug}/portal?customer_session_token=${encodeURIComponent(token)}`;
    return context.redirect(back, 303);
  });
}
