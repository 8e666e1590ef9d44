import { z } from "zod";
import { findCustomer } from "./customers-routes.js";
import { attachPaymentMethod, resolvePaymentMethod } from "./payment-methods.js";
import {
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  type PaymentOutcome,
} from "./payment-processing.js";
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
import { invalidRequest, resourceMissing, StripeApiError } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { PaymentIntentObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const confirmFields = {
  payment_method: z.string().optional(),
  off_session: formBool.optional(),
  return_url: z.string().optional(),
  expand: expandParam,
};
const createSchema = z.object({
  amount: formInt.min(1),
  currency: z.string().length(3),
  customer: z.string().optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  receipt_email: z.string().optional(),
  setup_future_usage: z.enum(["off_session", "on_session"]).optional(),
  capture_method: z.enum(["automatic", "automatic_async", "manual"]).optional(),
  confirm: formBool.optional(),
  automatic_payment_methods: z
    .object({ enabled: formBool, allow_redirects: z.enum(["always", "never"]).optional() })
    .optional(),
  application_fee_amount: formInt.min(0).optional(),
  transfer_data: z.object({ destination: z.string(), amount: formInt.min(0).optional() }).optional(),
  transfer_group: z.string().optional(),
  ...confirmFields,
});
const updateSchema = z.object({
  amount: formInt.min(1).optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  customer: z.string().optional(),
  payment_method: z.string().optional(),
  receipt_email: z.string().optional(),
  expand: expandParam,
});

export function findPaymentIntent(runtime: StripeEmulatorRuntime, id: string): PaymentIntentObject {
  const intent = runtime.store.paymentIntents.get(id);
  if (!intent) throw resourceMissing("payment_intent", id, "intent");
  return intent;
}

/** A decline answers 402 `card_error` with the intent attached, which the SDK exposes as `error.payment_intent`. */
function declined(
  intent: PaymentIntentObject,
  outcome: Extract<PaymentOutcome, { status: "declined" }>,
): StripeApiError {
  return new StripeApiError(402, {
    type: "card_error",
    code: outcome.code,
    decline_code: outcome.declineCode,
    message: outcome.message,
    param: "",
    payment_intent: structuredClone(intent) as unknown as Record<string, unknown>,
  });
}

function confirm(
  runtime: StripeEmulatorRuntime,
  intent: PaymentIntentObject,
  body: { payment_method?: string; off_session?: boolean; return_url?: string },
): void {
  if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(intent.status))
    throw invalidRequest(
      `This PaymentIntent's status is ${intent.status}, so it cannot be confirmed.`,
      undefined,
      "payment_intent_unexpected_state",
    );
  const reference =
    body.payment_method ?? (typeof intent.payment_method === "string" ? intent.payment_method : undefined);
  if (!reference)
    throw invalidRequest(
      "You must provide a payment method to confirm this PaymentIntent.",
      "payment_method",
      "payment_intent_unexpected_state",
    );
  const paymentMethod = resolvePaymentMethod(runtime, reference);
  const customer =
    typeof intent.customer === "string" ? runtime.store.customers.get(intent.customer) : undefined;
  if (customer && intent.setup_future_usage && !paymentMethod.customer)
    attachPaymentMethod(runtime, paymentMethod, customer);
  const outcome = confirmPaymentIntent(runtime, intent, paymentMethod, {
    offSession: body.off_session ?? false,
    returnUrl: body.return_url ?? null,
  });
  if (outcome.status === "declined") throw declined(intent, outcome);
}

function registerIntentActions(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/v1/payment_intents/:id/confirm", async (context) => {
    const intent = findPaymentIntent(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, z.object(confirmFields));
    confirm(runtime, intent, body);
    return context.json(expandObject(runtime.store, intent, body.expand));
  });

  app.post("/v1/payment_intents/:id/capture", async (context) => {
    const intent = findPaymentIntent(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, z.object({ expand: expandParam }));
    if (intent.status !== "requires_capture")
      throw invalidRequest(
        `This PaymentIntent could not be captured because it has a status of ${intent.status}.`,
        undefined,
        "payment_intent_unexpected_state",
      );
    capturePaymentIntent(runtime, intent);
    return context.json(expandObject(runtime.store, intent, body.expand));
  });

  app.post("/v1/payment_intents/:id/cancel", async (context) => {
    const intent = findPaymentIntent(runtime, context.req.param("id"));
    const body = await readForm(
      context,
      runtime,
      z.object({ cancellation_reason: z.string().optional(), expand: expandParam }),
    );
    if (intent.status === "succeeded" || intent.status === "canceled")
      throw invalidRequest(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
        undefined,
        "payment_intent_unexpected_state",
      );
    intent.status = "canceled";
    intent.canceled_at = runtime.nowSeconds();
    intent.cancellation_reason = body.cancellation_reason ?? "requested_by_customer";
    intent.next_action = null;
    runtime.emit("payment_intent.canceled", intent);
    return context.json(expandObject(runtime.store, intent, body.expand));
  });
}

export function registerPaymentIntentRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/payment_intents", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    if (body.customer) findCustomer(runtime, body.customer);
    const intent = createPaymentIntent(runtime, {
      amount: body.amount,
      currency: body.currency,
      customer: body.customer,
      description: body.description,
      metadata: mergeMetadata({}, body.metadata),
      receiptEmail: body.receipt_email,
      setupFutureUsage: body.setup_future_usage,
      captureMethod: body.capture_method,
      applicationFeeAmount: body.application_fee_amount,
      transferData: body.transfer_data,
      transferGroup: body.transfer_group,
    });
    if (body.automatic_payment_methods) intent.automatic_payment_methods = body.automatic_payment_methods;
    if (body.payment_method) {
      intent.payment_method = resolvePaymentMethod(runtime, body.payment_method).id;
      intent.status = "requires_confirmation";
    }
    if (body.confirm) confirm(runtime, intent, body);
    return context.json(expandObject(store, intent, body.expand));
  });

  app.post("/v1/payment_intents/:id", async (context) => {
    const intent = findPaymentIntent(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, updateSchema);
    if (intent.status === "succeeded" || intent.status === "canceled")
      throw invalidRequest(
        `This PaymentIntent's status is ${intent.status}, so it cannot be updated.`,
        undefined,
        "payment_intent_unexpected_state",
      );
    if (body.amount !== undefined) intent.amount = body.amount;
    if (body.description !== undefined) intent.description = body.description || null;
    if (body.receipt_email !== undefined) intent.receipt_email = body.receipt_email || null;
    if (body.customer !== undefined) intent.customer = findCustomer(runtime, body.customer).id;
    if (body.payment_method !== undefined)
      intent.payment_method = resolvePaymentMethod(runtime, body.payment_method).id;
    intent.metadata = mergeMetadata(intent.metadata, body.metadata);
    return context.json(expandObject(store, intent, body.expand));
  });

  registerIntentActions(app, runtime);
  registerPaymentIntentReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerPaymentIntentReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerSearchRoute(app, store, "payment_intents", "paymentIntents");

  app.get("/v1/payment_intents/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam, client_secret: z.string().optional() }));
    return context.json(
      expandObject(store, findPaymentIntent(runtime, context.req.param("id")), query.expand),
    );
  });

  app.get("/v1/payment_intents", (context) => {
    const query = readQuery(context, z.object({ ...listParams, customer: z.string().optional() }));
    const rows = store.paymentIntents.filter(
      (row) => query.customer === undefined || row.customer === query.customer,
    );
    const list = paginate(rows, "/v1/payment_intents", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}
