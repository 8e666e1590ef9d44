import { z } from "zod";
import { reverseForRefund } from "./connect-operations.js";
import { refuseRefundIfDisputed } from "./dispute-operations.js";
import { expandParam, formInt, mergeMetadata, metadataParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { ChargeObject, RefundObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const createSchema = z.object({
  payment_intent: z.string().optional(),
  charge: z.string().optional(),
  amount: formInt.min(1).optional(),
  reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  metadata: metadataParam,
  refund_application_fee: z.string().optional(),
  reverse_transfer: z.string().optional(),
  expand: expandParam,
});

function chargeToRefund(runtime: StripeEmulatorRuntime, body: z.output<typeof createSchema>): ChargeObject {
  if (body.charge) {
    const charge = runtime.store.charges.get(body.charge);
    if (!charge) throw resourceMissing("charge", body.charge, "charge");
    return charge;
  }
  if (!body.payment_intent)
    throw invalidRequest(
      "One of `charge` or `payment_intent` is required.",
      "payment_intent",
      "parameter_missing",
    );
  const intent = runtime.store.paymentIntents.get(body.payment_intent);
  if (!intent) throw resourceMissing("payment_intent", body.payment_intent, "payment_intent");
  const charge =
    typeof intent.latest_charge === "string" ? runtime.store.charges.get(intent.latest_charge) : undefined;
  if (!charge || intent.status !== "succeeded")
    throw invalidRequest(
      `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
      "payment_intent",
    );
  return charge;
}

/** Refunds (part of) a captured charge at once: `refund.created`, then `charge.refunded`. */
function createRefund(
  runtime: StripeEmulatorRuntime,
  charge: ChargeObject,
  body: z.output<typeof createSchema>,
): RefundObject {
  refuseRefundIfDisputed(runtime, charge);
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0)
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      "charge",
      "charge_already_refunded",
    );
  const amount = body.amount ?? remaining;
  if (amount > remaining)
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      "amount",
      "amount_too_large",
    );
  const refund: RefundObject = {
    id: runtime.newId("re_", 24),
    object: "refund",
    amount,
    charge: charge.id,
    created: runtime.nowSeconds(),
    currency: charge.currency,
    livemode: false,
    metadata: mergeMetadata({}, body.metadata),
    payment_intent: charge.payment_intent,
    reason: body.reason ?? null,
    status: "succeeded",
    balance_transaction: null,
    application: null,
    receipt_number: null,
    customer: charge.customer,
    customer_account: null,
    payment_method: charge.payment_method,
    source_transfer_reversal: null,
    transfer_reversal: null,
  };
  runtime.store.refunds.put(refund);
  runtime.emit("refund.created", refund);
  reverseForRefund(runtime, charge, refund, {
    reverseTransfer: body.reverse_transfer === "true",
    refundApplicationFee: body.refund_application_fee === "true",
  });
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  runtime.emit("charge.refunded", charge, previous);
  return refund;
}

export function registerRefundRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/refunds", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    const refund = createRefund(runtime, chargeToRefund(runtime, body), body);
    return context.json(expandObject(store, refund, body.expand));
  });

  app.get("/v1/refunds/:id", (context) => {
    const refund = store.refunds.get(context.req.param("id"));
    if (!refund) throw resourceMissing("refund", context.req.param("id"), "id");
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, refund, query.expand));
  });

  app.get("/v1/refunds", (context) => {
    const query = readQuery(
      context,
      z.object({ ...listParams, charge: z.string().optional(), payment_intent: z.string().optional() }),
    );
    const rows = store.refunds.filter(
      (row) =>
        (query.charge === undefined || row.charge === query.charge) &&
        (query.payment_intent === undefined || row.payment_intent === query.payment_intent),
    );
    const list = paginate(rows, "/v1/refunds", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });

  app.get("/v1/charges/:id", (context) => {
    const charge = store.charges.get(context.req.param("id"));
    if (!charge) throw resourceMissing("charge", context.req.param("id"), "id");
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, charge, query.expand));
  });

  app.get("/v1/charges", (context) => {
    const query = readQuery(
      context,
      z.object({ ...listParams, customer: z.string().optional(), payment_intent: z.string().optional() }),
    );
    const rows = store.charges.filter(
      (row) =>
        (query.customer === undefined || row.customer === query.customer) &&
        (query.payment_intent === undefined || row.payment_intent === query.payment_intent),
    );
    return context.json(paginate(rows, "/v1/charges", query));
  });
}
