import type { Context, Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import {
  serializeCustomerBenefitGrant,
  serializeCustomerMeter,
  serializeCustomerOrder,
  serializeCustomerSubscription,
  serializePortalCustomer,
} from "./customer-portal-serializers.js";
import { findCustomerSession } from "./customer-sessions-routes.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { customerMeterBalances } from "./meter-usage.js";
import { notFound, parseBody } from "./polar-errors.js";
import { paginate, queryBoolean, queryList } from "./polar-pagination.js";
import type { CustomerRecord, SubscriptionRecord } from "./polar-records.js";
import { isEnded, scheduleCancellation, undoCancellation } from "./subscription-lifecycle.js";

/** The prefix of the API a customer calls with a `polar_cst_…` session token. */
export const CUSTOMER_PORTAL_PREFIX = "/v1/customer-portal/";

type PortalEnv = { Variables: { customer: CustomerRecord } };

const portalSubscriptionUpdateSchema = z.object({
  cancel_at_period_end: z.boolean().optional(),
  cancellation_reason: z.string().nullish(),
  cancellation_comment: z.string().nullish(),
});

/** Customer-session auth: the same 401 body as a bad organization token. */
function requireCustomerSession(runtime: PolarEmulatorRuntime): MiddlewareHandler<PortalEnv> {
  return async (context, next) => {
    const header = context.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    const session = token ? findCustomerSession(runtime, token) : undefined;
    const customer = session ? runtime.store.customers.get(session.customer_id) : undefined;
    if (!customer || customer.deleted_at) {
      context.header("WWW-Authenticate", 'Bearer error="invalid_token"');
      return context.json(
        {
          error: "invalid_token",
          error_description:
            "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
        },
        401,
      );
    }
    context.set("customer", customer);
    return next();
  };
}

function ownSubscription(context: Context<PortalEnv>, runtime: PolarEmulatorRuntime): SubscriptionRecord {
  const subscription = runtime.store.subscriptions.get(context.req.param("id") ?? "");
  if (!subscription || subscription.customer_id !== context.get("customer").id) throw notFound();
  return subscription;
}

/**
 * `/v1/customer-portal/…`: the customer itself, its subscriptions (list, get, cancel at period end,
 * uncancel), orders, benefit grants and meters. Everything is scoped to the session's customer; another
 * customer's record answers 404 as at Polar.
 */
export function registerCustomerPortalRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const portal = app as unknown as Hono<PortalEnv>;
  portal.use(`${CUSTOMER_PORTAL_PREFIX}*`, requireCustomerSession(runtime));

  portal.get(`${CUSTOMER_PORTAL_PREFIX}customers/me`, (context) =>
    context.json(serializePortalCustomer(context.get("customer"))),
  );

  portal.get(`${CUSTOMER_PORTAL_PREFIX}subscriptions/`, (context) => {
    const customer = context.get("customer");
    const products = queryList(context, "product_id");
    const active = queryBoolean(context, "active");
    const rows = store.subscriptions.filter(
      (row) =>
        row.customer_id === customer.id &&
        (!products || products.includes(row.product_id)) &&
        (active === undefined || active === !isEnded(row)),
    );
    return context.json(paginate(context, rows, (row) => serializeCustomerSubscription(store, row)));
  });
  portal.get(`${CUSTOMER_PORTAL_PREFIX}subscriptions/:id`, (context) =>
    context.json(serializeCustomerSubscription(store, ownSubscription(context, runtime))),
  );
  portal.patch(`${CUSTOMER_PORTAL_PREFIX}subscriptions/:id`, async (context) => {
    const subscription = ownSubscription(context, runtime);
    const body = await parseBody(context, portalSubscriptionUpdateSchema);
    if (body.cancel_at_period_end === true) {
      const reason = body.cancellation_reason ?? null;
      scheduleCancellation(runtime, subscription, reason, body.cancellation_comment ?? null);
    } else if (body.cancel_at_period_end === false) undoCancellation(runtime, subscription);
    return context.json(serializeCustomerSubscription(store, subscription));
  });
  // A customer's DELETE cancels at the period end; only the organization can revoke at once.
  portal.delete(`${CUSTOMER_PORTAL_PREFIX}subscriptions/:id`, (context) => {
    const subscription = ownSubscription(context, runtime);
    scheduleCancellation(runtime, subscription, null, null);
    return context.json(serializeCustomerSubscription(store, subscription));
  });

  portal.get(`${CUSTOMER_PORTAL_PREFIX}orders/`, (context) => {
    const customer = context.get("customer");
    const products = queryList(context, "product_id");
    const subscriptions = queryList(context, "subscription_id");
    const billingType = context.req.query("product_billing_type");
    const rows = store.orders.filter(
      (row) =>
        row.customer_id === customer.id &&
        (!products || (row.product_id !== null && products.includes(row.product_id))) &&
        (!subscriptions || (row.subscription_id !== null && subscriptions.includes(row.subscription_id))) &&
        (!billingType || (billingType === "recurring") === (row.subscription_id !== null)),
    );
    return context.json(paginate(context, rows, (row) => serializeCustomerOrder(store, row)));
  });
  portal.get(`${CUSTOMER_PORTAL_PREFIX}orders/:id`, (context) => {
    const order = store.orders.get(context.req.param("id"));
    if (!order || order.customer_id !== context.get("customer").id) throw notFound();
    return context.json(serializeCustomerOrder(store, order));
  });

  portal.get(`${CUSTOMER_PORTAL_PREFIX}benefit-grants/`, (context) => {
    const customer = context.get("customer");
    const benefits = queryList(context, "benefit_id");
    const orders = queryList(context, "order_id");
    const subscriptions = queryList(context, "subscription_id");
    const types = queryList(context, "type");
    const rows = store.benefitGrants.filter(
      (row) =>
        row.customer_id === customer.id &&
        (!benefits || benefits.includes(row.benefit_id)) &&
        (!orders || (row.order_id !== null && orders.includes(row.order_id))) &&
        (!subscriptions || (row.subscription_id !== null && subscriptions.includes(row.subscription_id))) &&
        (!types || types.includes(store.benefits.get(row.benefit_id)?.type ?? "")),
    );
    return context.json(paginate(context, rows, (row) => serializeCustomerBenefitGrant(store, row)));
  });
  portal.get(`${CUSTOMER_PORTAL_PREFIX}benefit-grants/:id`, (context) => {
    const grant = store.benefitGrants.get(context.req.param("id"));
    if (!grant || grant.customer_id !== context.get("customer").id) throw notFound();
    return context.json(serializeCustomerBenefitGrant(store, grant));
  });

  portal.get(`${CUSTOMER_PORTAL_PREFIX}meters/`, (context) => {
    const customer = context.get("customer");
    const meters = queryList(context, "meter_id");
    const balances = customerMeterBalances(store, customer.id).filter(
      (balance) => !meters || meters.includes(balance.meterId),
    );
    return context.json(
      paginate(context, balances, (balance) => serializeCustomerMeter(store, customer, balance)),
    );
  });
  portal.get(`${CUSTOMER_PORTAL_PREFIX}meters/:id`, (context) => {
    const customer = context.get("customer");
    const balance = customerMeterBalances(store, customer.id).find(
      (row) => row.meterId === context.req.param("id"),
    );
    if (!balance) throw notFound();
    return context.json(serializeCustomerMeter(store, customer, balance));
  });
}
