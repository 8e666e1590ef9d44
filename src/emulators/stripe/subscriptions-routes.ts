import { z } from "zod";
import type { SubscriptionObject } from "./billing-records.js";
import { findPrice } from "./catalog-operations.js";
import { changedFields, findCustomer } from "./customers-routes.js";
import { resolvePaymentMethod } from "./payment-methods.js";
import {
  expandParam,
  formBool,
  formInt,
  mergeMetadata,
  metadataParam,
  readForm,
  readQuery,
} from "./request-input.js";
import { registerSearchRoute } from "./search-route.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { createSubscription, endSubscription, startSubscription } from "./subscription-operations.js";

const createSchema = z.object({
  customer: z.string(),
  items: z
    .array(z.object({ price: z.string(), quantity: formInt.min(1).optional(), metadata: metadataParam }))
    .min(1),
  metadata: metadataParam,
  default_payment_method: z.string().optional(),
  trial_period_days: formInt.min(1).optional(),
  cancel_at_period_end: formBool.optional(),
  description: z.string().optional(),
  payment_behavior: z
    .enum(["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"])
    .optional(),
  expand: expandParam,
});
const updateSchema = z.object({
  cancel_at_period_end: formBool.optional(),
  cancel_at: z
    .union([z.literal(""), z.literal("min_period_end"), z.literal("max_period_end"), formInt])
    .optional(),
  metadata: metadataParam,
  default_payment_method: z.string().optional(),
  description: z.string().optional(),
  cancellation_details: z
    .object({ comment: z.string().optional(), feedback: z.string().optional() })
    .optional(),
  expand: expandParam,
});
const ENDED: ReadonlySet<SubscriptionObject["status"]> = new Set(["canceled", "incomplete_expired"]);

export function findSubscription(runtime: StripeEmulatorRuntime, id: string): SubscriptionObject {
  const subscription = runtime.store.subscriptions.get(id);
  if (!subscription) throw resourceMissing("subscription", id, "id");
  return subscription;
}

function applyUpdate(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  body: z.output<typeof updateSchema>,
): void {
  if (ENDED.has(subscription.status))
    throw invalidRequest(
      "A canceled subscription can only update its cancellation_details and metadata.",
      undefined,
      "resource_missing",
    );
  if (body.cancel_at_period_end !== undefined) {
    subscription.cancel_at_period_end = body.cancel_at_period_end;
    subscription.canceled_at = body.cancel_at_period_end ? runtime.nowSeconds() : null;
    subscription.cancel_at = body.cancel_at_period_end
      ? Math.min(...subscription.items.data.map((item) => item.current_period_end))
      : null;
  }
  if (body.cancel_at !== undefined) {
    // One scheduled cancellation, two ways to ask for it: a `cancel_at` (a time, or the first or last
    // item period end) replaces `cancel_at_period_end`, and clearing it with "" removes both.
    const periodEnds = subscription.items.data.map((item) => item.current_period_end);
    const cancelAt =
      body.cancel_at === "min_period_end"
        ? Math.min(...periodEnds)
        : body.cancel_at === "max_period_end"
          ? Math.max(...periodEnds)
          : body.cancel_at;
    subscription.cancel_at = cancelAt === "" ? null : cancelAt;
    subscription.cancel_at_period_end = false;
    subscription.canceled_at = cancelAt === "" ? null : runtime.nowSeconds();
  }
  if (body.default_payment_method !== undefined)
    subscription.default_payment_method = resolvePaymentMethod(
      runtime,
      body.default_payment_method,
      "default_payment_method",
    ).id;
  if (body.description !== undefined) subscription.description = body.description || null;
  if (body.cancellation_details)
    subscription.cancellation_details = {
      ...subscription.cancellation_details,
      comment: body.cancellation_details.comment ?? subscription.cancellation_details.comment,
      feedback: body.cancellation_details.feedback ?? subscription.cancellation_details.feedback,
    };
  subscription.metadata = mergeMetadata(subscription.metadata, body.metadata);
}

/** Sets or clears `cancel_at_period_end` and emits `customer.subscription.updated`; used by the portal too. */
export function updateSubscription(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  body: z.output<typeof updateSchema>,
): void {
  const before = structuredClone(subscription);
  applyUpdate(runtime, subscription, body);
  const previous = changedFields(before, subscription);
  if (Object.keys(previous).length > 0) runtime.emit("customer.subscription.updated", subscription, previous);
}

function registerWriteRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/v1/subscriptions", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    const customer = findCustomer(runtime, body.customer);
    const items = body.items.map((item, index) => ({
      price: findPrice(runtime, item.price, `items[${index}][price]`),
      quantity: item.quantity ?? 1,
      metadata: mergeMetadata({}, item.metadata),
    }));
    const paymentMethod = body.default_payment_method
      ? resolvePaymentMethod(runtime, body.default_payment_method, "default_payment_method").id
      : null;
    const subscription = createSubscription(runtime, {
      customer,
      items,
      metadata: mergeMetadata({}, body.metadata),
      trialPeriodDays: body.trial_period_days,
      defaultPaymentMethod: paymentMethod,
      cancelAtPeriodEnd: body.cancel_at_period_end,
      description: body.description,
    });
    // `default_incomplete` leaves the first invoice for the client to pay; the rest charge now.
    if (body.payment_behavior !== "default_incomplete" || subscription.status === "trialing")
      startSubscription(runtime, subscription, customer, { offSession: true });
    return context.json(expandObject(runtime.store, subscription, body.expand));
  });

  app.post("/v1/subscriptions/:id", async (context) => {
    const subscription = findSubscription(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, updateSchema);
    updateSubscription(runtime, subscription, body);
    return context.json(expandObject(runtime.store, subscription, body.expand));
  });

  app.delete("/v1/subscriptions/:id", async (context) => {
    const subscription = findSubscription(runtime, context.req.param("id"));
    const body = await readForm(
      context,
      runtime,
      z.object({ expand: expandParam, invoice_now: formBool.optional(), prorate: formBool.optional() }),
    );
    if (ENDED.has(subscription.status))
      throw invalidRequest(`No such subscription: '${subscription.id}'`, "id", "resource_missing");
    subscription.canceled_at = runtime.nowSeconds();
    endSubscription(runtime, subscription, "cancellation_requested");
    return context.json(expandObject(runtime.store, subscription, body.expand));
  });
}

const listSchema = z.object({
  ...listParams,
  customer: z.string().optional(),
  price: z.string().optional(),
  status: z
    .enum([
      "incomplete",
      "incomplete_expired",
      "trialing",
      "active",
      "past_due",
      "canceled",
      "unpaid",
      "paused",
      "all",
      "ended",
    ])
    .optional(),
});

export function registerSubscriptionRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerWriteRoutes(app, runtime);

  registerSearchRoute(app, store, "subscriptions", "subscriptions");

  app.get("/v1/subscriptions/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(
      expandObject(store, findSubscription(runtime, context.req.param("id")), query.expand),
    );
  });

  app.get("/v1/subscriptions", (context) => {
    const query = readQuery(context, listSchema);
    // Stripe's default list hides canceled subscriptions; `status=all` shows everything.
    const statusMatches = (status: SubscriptionObject["status"]) =>
      query.status === "all"
        ? true
        : query.status === "ended"
          ? ENDED.has(status)
          : query.status
            ? status === query.status
            : status !== "canceled";
    const rows = store.subscriptions.filter(
      (row) =>
        statusMatches(row.status) &&
        (query.customer === undefined || row.customer === query.customer) &&
        (query.price === undefined || row.items.data.some((item) => item.price.id === query.price)),
    );
    const list = paginate(rows, "/v1/subscriptions", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}
