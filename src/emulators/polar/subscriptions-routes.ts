import type { Hono } from "hono";
import { z } from "zod";
import { emitCustomerState, emitSubscription, touch } from "./billing-operations.js";
import { serializeSubscription } from "./billing-serializers.js";
import { defaultPrice } from "./catalog-operations.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, PolarApiError, PolarValidationError, parseBody } from "./polar-errors.js";
import { matchesMetadata, metadataFilter, paginate, queryBoolean, queryList } from "./polar-pagination.js";
import type { SubscriptionRecord } from "./polar-records.js";
import {
  isEnded,
  resume,
  revokeNow,
  scheduleCancellation,
  undoCancellation,
} from "./subscription-lifecycle.js";

const reasonSchema = z
  .enum([
    "customer_service",
    "low_quality",
    "missing_features",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
    "other",
  ])
  .nullish();

/** The union of Polar's SubscriptionUpdate variants; exactly one intent per request. */
const subscriptionUpdateSchema = z.object({
  cancel_at_period_end: z.boolean().optional(),
  revoke: z.literal(true).optional(),
  customer_cancellation_reason: reasonSchema,
  customer_cancellation_comment: z.string().nullish(),
  pause_at_period_end: z.boolean().optional(),
  resumes_at: z.string().datetime({ offset: true }).nullish(),
  resume: z.literal(true).optional(),
  product_id: z.string().uuid().optional(),
  proration_behavior: z.enum(["invoice", "prorate", "next_period", "reset"]).nullish(),
});
type SubscriptionUpdate = z.infer<typeof subscriptionUpdateSchema>;

function findSubscription(runtime: PolarEmulatorRuntime, id: string): SubscriptionRecord {
  const subscription = runtime.store.subscriptions.get(id);
  if (!subscription) throw notFound();
  return subscription;
}

function applyUpdate(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  body: SubscriptionUpdate,
): void {
  const reason = body.customer_cancellation_reason ?? null;
  const comment = body.customer_cancellation_comment ?? null;
  if (body.revoke && body.cancel_at_period_end !== undefined) {
    throw fieldError(
      [],
      "Use either `revoke` for immediate cancellation or `cancel_at_period_end` to cancel at period end.",
      body,
    );
  }
  if (body.revoke) revokeNow(runtime, subscription, reason);
  else if (body.cancel_at_period_end === true) scheduleCancellation(runtime, subscription, reason, comment);
  else if (body.cancel_at_period_end === false) undoCancellation(runtime, subscription);
  else if (body.resume) resume(runtime, subscription);
  else if (body.pause_at_period_end !== undefined) schedulePause(runtime, subscription, body);
  else if (body.product_id) changeProduct(runtime, subscription, body.product_id);
  else {
    throw new PolarValidationError([{ type: "missing", loc: ["body"], msg: "Field required", input: body }]);
  }
}

function schedulePause(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  body: SubscriptionUpdate,
): void {
  if (isEnded(subscription))
    throw new PolarApiError(403, "AlreadyCanceledSubscription", "This subscription is already canceled.");
  subscription.pause_at_period_end = body.pause_at_period_end ?? false;
  subscription.resumes_at = subscription.pause_at_period_end ? (body.resumes_at ?? null) : null;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated"], subscription);
}

/** Switches product at once without a proration order (see docs/emulator.md). */
function changeProduct(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  productId: string,
): void {
  if (isEnded(subscription))
    throw new PolarApiError(403, "AlreadyCanceledSubscription", "This subscription is already canceled.");
  const product = runtime.store.products.get(productId);
  if (!product?.recurring_interval)
    throw fieldError(["product_id"], "Product does not exist or is not recurring.", productId);
  const price = defaultPrice(runtime, product);
  subscription.product_id = product.id;
  subscription.price_ids = product.price_ids.filter(
    (id) => runtime.store.prices.get(id)?.is_archived === false,
  );
  subscription.amount = price?.amount_type === "fixed" ? (price.price_amount ?? 0) : subscription.amount;
  subscription.recurring_interval = product.recurring_interval;
  subscription.recurring_interval_count = product.recurring_interval_count ?? 1;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated"], subscription);
  emitCustomerState(runtime, subscription.customer_id);
}

export function registerSubscriptionRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (subscription: SubscriptionRecord) => serializeSubscription(store, subscription);

  app.get("/v1/subscriptions/", (context) => {
    const customers = queryList(context, "customer_id");
    const externals = queryList(context, "external_customer_id");
    const products = queryList(context, "product_id");
    const statuses = queryList(context, "status");
    const active = queryBoolean(context, "active");
    const cancelAtPeriodEnd = queryBoolean(context, "cancel_at_period_end");
    const metadata = metadataFilter(context);
    const rows = store.subscriptions.filter((row) => {
      const externalId = store.customers.get(row.customer_id)?.external_id ?? "";
      const isActive = row.status === "active" || row.status === "trialing";
      return (
        (!customers || customers.includes(row.customer_id)) &&
        (!externals || externals.includes(externalId)) &&
        (!products || products.includes(row.product_id)) &&
        (!statuses || statuses.includes(row.status)) &&
        (active === undefined || isActive === active) &&
        (cancelAtPeriodEnd === undefined || row.cancel_at_period_end === cancelAtPeriodEnd) &&
        matchesMetadata(row.metadata, metadata)
      );
    });
    return context.json(paginate(context, rows, render));
  });

  app.get("/v1/subscriptions/:id", (context) =>
    context.json(render(findSubscription(runtime, context.req.param("id")))),
  );

  app.patch("/v1/subscriptions/:id", async (context) => {
    const subscription = findSubscription(runtime, context.req.param("id"));
    applyUpdate(runtime, subscription, await parseBody(context, subscriptionUpdateSchema));
    return context.json(render(subscription));
  });

  app.delete("/v1/subscriptions/:id", (context) => {
    const subscription = findSubscription(runtime, context.req.param("id"));
    revokeNow(runtime, subscription);
    return context.json(render(subscription));
  });
}
