import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { adminLimits, type CustomerSummary, type Payment } from "../../modules/admin/index.js";
import type { Customer } from "../../modules/customers/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["Admin"];
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const overviewSchema = z
  .object({
    asOf: z.string(),
    revenue: z.array(
      z.object({
        currency: z.string(),
        totalMinor: z.number().int(),
        days: z.array(
          z.object({ day: z.string().openapi({ example: "2026-05-01" }), amountMinor: z.number().int() }),
        ),
      }),
    ),
    subscriptions: z.object({ live: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
    creditsOutstanding: z.array(
      z.object({ currency: z.string(), available: z.number().int(), held: z.number().int() }),
    ),
    customers: z.number().int(),
    webhooks: z.object({
      byStatus: z.record(z.string(), z.number().int()),
      backlog: z.number().int(),
      failed: z.number().int(),
      oldestPendingAt: z.string().nullable(),
    }),
  })
  .openapi("AdminOverview");

const customerSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    provider: z.string(),
    providerCustomerId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Customer");

const paymentSchema = z
  .object({
    providerOrderId: z.string(),
    provider: z.string(),
    customerId: z.string(),
    product: z.string().nullable(),
    status: z.string(),
    billingReason: z.string(),
    currency: z.string(),
    netMinor: z.number().int(),
    taxMinor: z.number().int(),
    totalMinor: z.number().int(),
    providerFeeMinor: z.number().int(),
    refundedMinor: z.number().int(),
    refundedTaxMinor: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi("Payment");

const customerSummarySchema = z
  .object({
    customerId: z.string(),
    customer: customerSchema.nullable(),
    entitlements: z.array(
      z.object({
        feature: z.string(),
        catalogKey: z.string(),
        sourceKind: z.string(),
        sourceId: z.string(),
        activeUntil: z.string().nullable(),
      }),
    ),
    credits: z.array(
      z.object({ type: z.string(), unit: z.string(), available: z.number().int(), held: z.number().int() }),
    ),
    openHolds: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        amountHeld: z.number().int(),
        expiresAt: z.string(),
        createdAt: z.string(),
      }),
    ),
    usage: z.array(
      z.object({
        meter: z.string(),
        name: z.string(),
        consumed: z.number(),
        credited: z.number().nullable(),
        percentUsed: z.number().nullable(),
        status: z.string(),
        resetsAt: z.string(),
      }),
    ),
    subscriptions: z.array(
      z.object({
        providerSubscriptionId: z.string(),
        product: z.string(),
        status: z.string(),
        cancelAtPeriodEnd: z.boolean(),
        currentPeriodEnd: z.string().nullable(),
      }),
    ),
    payments: z.array(paymentSchema),
    checkouts: z.array(
      z.object({
        id: z.string(),
        product: z.string(),
        status: z.string(),
        amountMinor: z.number().int().nullable(),
        createdAt: z.string(),
      }),
    ),
    ledger: z.array(
      z.object({
        transactionId: z.string(),
        description: z.string(),
        postedAt: z.string(),
        entries: z.array(
          z.object({
            accountKind: z.string(),
            ownerId: z.string(),
            currency: z.string(),
            amountMinor: z.number().int(),
          }),
        ),
      }),
    ),
  })
  .openapi("CustomerSummary");

export const overviewRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/admin/overview",
    tags,
    summary:
      "Revenue per day (30 days, from the ledger), live subscriptions, credits outstanding, webhook health.",
    responses: { 200: jsonResponse(overviewSchema, "The overview."), ...problemResponses },
  }),
);

export const searchRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/customers",
    tags,
    summary: "Customers whose id, email or name contains `query`, newest first (the newest without one).",
    request: { query: z.object({ query: z.string().max(adminLimits.queryLengthMax).default("") }) },
    responses: {
      200: jsonResponse(z.object({ items: z.array(customerSchema) }), "Matching customers."),
      ...problemResponses,
    },
  }),
);

export const summaryRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/customers/{customerId}",
    tags,
    summary: "One customer: entitlements, credit balances and holds, usage, subscriptions, payments, ledger.",
    request: { params: z.object({ customerId: z.string().min(1).max(200) }) },
    responses: { 200: jsonResponse(customerSummarySchema, "The customer."), ...problemResponses },
  }),
);

export const paymentsRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/payments",
    tags,
    summary: "Orders as the provider reported them (paid, refunded, partially refunded…), newest first.",
    request: {
      query: z.object({
        status: z.enum(["draft", "pending", "paid", "refunded", "partially_refunded", "void"]).optional(),
        customerId: z.string().min(1).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(paymentSchema) }), "Payments."),
      ...problemResponses,
    },
  }),
);

export const adminRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(overviewRoute, async (c) => {
    const overview = await c.get("billhook").admin.overview();
    return c.json(
      {
        asOf: iso(overview.asOfMs),
        revenue: overview.revenue.map((series) => ({
          currency: series.currency,
          totalMinor: series.totalMinor,
          days: series.days.map((day) => ({
            day: iso(day.dayStartMs).slice(0, 10),
            amountMinor: day.amountMinor,
          })),
        })),
        subscriptions: overview.subscriptions,
        creditsOutstanding: overview.creditsOutstanding,
        customers: overview.customers,
        webhooks: {
          byStatus: overview.webhooks.byStatus,
          backlog: overview.webhooks.backlog,
          failed: overview.webhooks.failed,
          oldestPendingAt: isoOrNull(overview.webhooks.oldestPendingAtMs),
        },
      },
      200,
    );
  })
  .openapi(searchRoute, async (c) => {
    const customers = await c.get("billhook").admin.searchCustomers(c.req.valid("query").query);
    return c.json({ items: customers.map(presentCustomer) }, 200);
  })
  .openapi(summaryRoute, async (c) =>
    c.json(
      presentSummary(await c.get("billhook").admin.customerSummary(c.req.valid("param").customerId)),
      200,
    ),
  )
  .openapi(paymentsRoute, async (c) => {
    const payments = await c.get("billhook").admin.listPayments(c.req.valid("query"));
    return c.json({ items: payments.map(presentPayment) }, 200);
  });

function presentCustomer(customer: Customer) {
  return {
    id: customer.id,
    email: customer.email,
    name: customer.name,
    provider: customer.provider,
    providerCustomerId: customer.providerCustomerId,
    createdAt: iso(customer.createdAtMs),
  };
}

function presentPayment(payment: Payment) {
  return {
    providerOrderId: payment.providerOrderId,
    provider: payment.provider,
    customerId: payment.customerId,
    product: payment.catalogKey,
    status: payment.status,
    billingReason: payment.billingReason,
    currency: payment.currency,
    netMinor: payment.netMinor,
    taxMinor: payment.taxMinor,
    totalMinor: payment.totalMinor,
    providerFeeMinor: payment.providerFeeMinor,
    refundedMinor: payment.refundedMinor,
    refundedTaxMinor: payment.refundedTaxMinor,
    updatedAt: iso(payment.updatedAtMs),
  };
}

function presentSummary(summary: CustomerSummary) {
  return {
    customerId: summary.customerId,
    customer: summary.customer ? presentCustomer(summary.customer) : null,
    entitlements: summary.entitlements.map((row) => ({
      feature: row.featureKey,
      catalogKey: row.catalogKey,
      sourceKind: row.sourceKind,
      sourceId: row.sourceId,
      activeUntil: isoOrNull(row.activeUntilMs),
    })),
    credits: summary.credits.map((balance) => ({
      type: balance.type,
      unit: balance.unit,
      available: balance.available,
      held: balance.held,
    })),
    openHolds: summary.openHolds.map((hold) => ({
      id: hold.id,
      type: hold.creditType,
      amountHeld: hold.amountHeld,
      expiresAt: iso(hold.expiresAtMs),
      createdAt: iso(hold.createdAtMs),
    })),
    usage: summary.usage.map((meter) => ({
      meter: meter.meter,
      name: meter.name,
      consumed: meter.consumed,
      credited: meter.credited,
      percentUsed: meter.percentUsed,
      status: meter.status,
      resetsAt: meter.resetsAt,
    })),
    subscriptions: summary.subscriptions.map((subscription) => ({
      providerSubscriptionId: subscription.providerSubscriptionId,
      product: subscription.catalogKey,
      status: subscription.status,
      cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
      currentPeriodEnd: isoOrNull(subscription.currentPeriodEndMs),
    })),
    payments: summary.payments.map(presentPayment),
    checkouts: summary.checkouts.map((checkout) => ({
      id: checkout.id,
      product: checkout.catalogKey,
      status: checkout.status,
      amountMinor: checkout.amountMinor,
      createdAt: iso(checkout.createdAtMs),
    })),
    ledger: summary.ledger.map((row) => ({
      transactionId: row.transactionId,
      description: row.description,
      postedAt: iso(row.postedAtMs),
      entries: row.entries,
    })),
  };
}
