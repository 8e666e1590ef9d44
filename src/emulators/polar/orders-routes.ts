import type { Hono } from "hono";
import { z } from "zod";
import { emitCustomerState, emitOrder, revokeGrants, touch } from "./billing-operations.js";
import { orderTotals, serializeOrder, serializeRefund } from "./billing-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, PolarApiError, parseBody } from "./polar-errors.js";
import { matchesMetadata, metadataFilter, paginate, queryBoolean, queryList } from "./polar-pagination.js";
import type { OrderRecord, RefundRecord } from "./polar-records.js";
import { metadataSchema } from "./request-schemas.js";

const refundCreateSchema = z.object({
  order_id: z.string().uuid(),
  reason: z.enum([
    "duplicate",
    "fraudulent",
    "customer_request",
    "service_disruption",
    "satisfaction_guarantee",
    "other",
  ]),
  amount: z.number().int().min(1),
  comment: z.string().nullish(),
  revoke_benefits: z.boolean().default(false),
  metadata: metadataSchema.default({}),
});

function findOrder(runtime: PolarEmulatorRuntime, id: string): OrderRecord {
  const order = runtime.store.orders.get(id);
  if (!order) throw notFound();
  return order;
}

/** Refunds are immediate in the emulator: `refund.created` (succeeded) → `order.refunded` → `order.updated`. */
function refundOrder(runtime: PolarEmulatorRuntime, body: z.infer<typeof refundCreateSchema>): RefundRecord {
  const order = runtime.store.orders.get(body.order_id);
  if (!order) throw fieldError(["order_id"], "Order does not exist.", body.order_id);
  const { net, paid } = orderTotals(order);
  if (order.status === "refunded")
    throw new PolarApiError(403, "RefundedAlready", "Order is already fully refunded.");
  if (!paid) throw fieldError(["order_id"], "Order is not paid.", body.order_id);
  const refundable = net - order.refunded_amount;
  if (body.amount > refundable)
    throw fieldError(["amount"], "Refund amount exceeds remaining order balance.", body.amount);
  const refund = runtime.store.refunds.put({
    id: runtime.newId(),
    created_at: runtime.nowIso(),
    modified_at: null,
    metadata: body.metadata,
    status: "succeeded",
    reason: body.reason,
    amount: body.amount,
    tax_amount: 0,
    currency: order.currency,
    order_id: order.id,
    subscription_id: order.subscription_id,
    customer_id: order.customer_id,
    revoke_benefits: body.revoke_benefits,
    comment: body.comment ?? null,
  });
  order.refunded_amount += body.amount;
  order.status = order.refunded_amount >= net ? "refunded" : "partially_refunded";
  touch(runtime, order);
  runtime.emit("refund.created", serializeRefund(runtime.store, refund));
  emitOrder(runtime, ["order.refunded", "order.updated"], order);
  if (body.revoke_benefits) {
    revokeGrants(runtime, { orderId: order.id });
    emitCustomerState(runtime, order.customer_id);
  }
  return refund;
}

export function registerOrderRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const externalIdOf = (customerId: string) => store.customers.get(customerId)?.external_id ?? "";

  app.get("/v1/orders/", (context) => {
    const filters = {
      customer: queryList(context, "customer_id"),
      external: queryList(context, "external_customer_id"),
      product: queryList(context, "product_id"),
      subscription: queryList(context, "subscription_id"),
      checkout: queryList(context, "checkout_id"),
      billingType: queryList(context, "product_billing_type"),
    };
    const metadata = metadataFilter(context);
    const rows = store.orders.filter(
      (row) =>
        (!filters.customer || filters.customer.includes(row.customer_id)) &&
        (!filters.external || filters.external.includes(externalIdOf(row.customer_id))) &&
        (!filters.product || filters.product.includes(row.product_id ?? "")) &&
        (!filters.subscription || filters.subscription.includes(row.subscription_id ?? "")) &&
        (!filters.checkout || filters.checkout.includes(row.checkout_id ?? "")) &&
        (!filters.billingType ||
          filters.billingType.includes(row.subscription_id ? "recurring" : "one_time")) &&
        matchesMetadata(row.metadata, metadata),
    );
    return context.json(paginate(context, rows, (order) => serializeOrder(store, order)));
  });

  app.get("/v1/orders/:id", (context) =>
    context.json(serializeOrder(store, findOrder(runtime, context.req.param("id")))),
  );

  app.post("/v1/refunds/", async (context) => {
    const refund = refundOrder(runtime, await parseBody(context, refundCreateSchema));
    return context.json(serializeRefund(store, refund), 201);
  });

  app.get("/v1/refunds/", (context) => {
    const filters = {
      id: queryList(context, "id"),
      order: queryList(context, "order_id"),
      subscription: queryList(context, "subscription_id"),
      customer: queryList(context, "customer_id"),
      external: queryList(context, "external_customer_id"),
    };
    const succeeded = queryBoolean(context, "succeeded");
    const rows = store.refunds.filter(
      (row) =>
        (!filters.id || filters.id.includes(row.id)) &&
        (!filters.order || filters.order.includes(row.order_id)) &&
        (!filters.subscription || filters.subscription.includes(row.subscription_id ?? "")) &&
        (!filters.customer || filters.customer.includes(row.customer_id)) &&
        (!filters.external || filters.external.includes(externalIdOf(row.customer_id))) &&
        (succeeded === undefined || (row.status === "succeeded") === succeeded),
    );
    return context.json(paginate(context, rows, (refund) => serializeRefund(store, refund)));
  });
}
