import { z } from "zod";
import { createPrice, createProduct, findPrice } from "./catalog-operations.js";
import { priceAmountFields } from "./catalog-schemas.js";
import { findCustomer } from "./customers-routes.js";
import { checkoutSessionStaticFields } from "./object-defaults.js";
import {
  expandParam,
  formBool,
  formInt,
  formNonNegativeInt,
  mergeMetadata,
  metadataParam,
} from "./request-input.js";
import { invalidRequest } from "./stripe-errors.js";
import type { CheckoutLineItem, CheckoutSessionObject, PriceObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Stripe: 30 minutes to 24 hours, default 24 hours. */
const EXPIRY_SECONDS_MIN = 30 * 60;
const EXPIRY_SECONDS_MAX = 24 * 60 * 60;
const PAYMENT_LINE_ITEMS_MAX = 100;
const SUBSCRIPTION_LINE_ITEMS_MAX = 20;

const lineItemSchema = z.object({
  price: z.string().optional(),
  price_data: z
    .object({
      ...priceAmountFields,
      product: z.string().optional(),
      product_data: z
        .object({ name: z.string(), description: z.string().optional(), metadata: metadataParam })
        .optional(),
    })
    .optional(),
  quantity: formInt.min(1).optional(),
});

export const createSessionSchema = z.object({
  mode: z.enum(["payment", "subscription", "setup"]).default("payment"),
  line_items: z.array(lineItemSchema).optional(),
  customer: z.string().optional(),
  customer_email: z.string().optional(),
  customer_creation: z.enum(["always", "if_required"]).optional(),
  client_reference_id: z.string().max(200).optional(),
  metadata: metadataParam,
  success_url: z.string().optional(),
  cancel_url: z.string().optional(),
  return_url: z.string().optional(),
  expires_at: formInt.optional(),
  ui_mode: z
    .enum(["hosted_page", "embedded_page", "elements", "form", "hosted", "embedded", "custom"])
    .optional(),
  locale: z.string().optional(),
  allow_promotion_codes: formBool.optional(),
  payment_intent_data: z
    .object({
      metadata: z.record(z.string(), z.string()).optional(),
      description: z.string().optional(),
      setup_future_usage: z.enum(["off_session", "on_session"]).optional(),
      application_fee_amount: formNonNegativeInt.optional(),
      transfer_data: z.object({ destination: z.string(), amount: formNonNegativeInt.optional() }).optional(),
    })
    .optional(),
  subscription_data: z
    .object({
      metadata: z.record(z.string(), z.string()).optional(),
      trial_period_days: formInt.min(1).optional(),
      description: z.string().optional(),
      application_fee_percent: z.coerce.number().min(0).max(100).optional(),
      transfer_data: z
        .object({ destination: z.string(), amount_percent: z.coerce.number().min(0).max(100).optional() })
        .optional(),
    })
    .optional(),
  expand: expandParam,
});
type CreateBody = z.output<typeof createSessionSchema>;

function resolveLinePrice(
  runtime: StripeEmulatorRuntime,
  line: z.output<typeof lineItemSchema>,
  index: number,
): PriceObject {
  if (line.price) return findPrice(runtime, line.price, `line_items[${index}][price]`);
  const data = line.price_data;
  if (!data)
    throw invalidRequest(
      "Each line item needs `price` or `price_data`.",
      `line_items[${index}][price]`,
      "parameter_missing",
    );
  const productId =
    data.product ??
    (data.product_data
      ? createProduct(runtime, {
          name: data.product_data.name,
          description: data.product_data.description,
          metadata: mergeMetadata({}, data.product_data.metadata),
        }).id
      : undefined);
  if (!productId)
    throw invalidRequest(
      "price_data needs `product` or `product_data`.",
      `line_items[${index}][price_data][product]`,
    );
  const recurring = data.recurring;
  return createPrice(runtime, {
    product: productId,
    currency: data.currency,
    unitAmount: data.unit_amount,
    unitAmountDecimal: data.unit_amount_decimal,
    recurring: recurring
      ? { interval: recurring.interval, intervalCount: recurring.interval_count }
      : undefined,
    active: false,
  });
}

function buildLineItems(runtime: StripeEmulatorRuntime, body: CreateBody): CheckoutLineItem[] {
  const lines = body.line_items ?? [];
  if (body.mode !== "setup" && lines.length === 0)
    throw invalidRequest(`line_items is required in ${body.mode} mode.`, "line_items", "parameter_missing");
  const max = body.mode === "subscription" ? SUBSCRIPTION_LINE_ITEMS_MAX : PAYMENT_LINE_ITEMS_MAX;
  if (lines.length > max) throw invalidRequest(`At most ${max} line items are allowed.`, "line_items");
  return lines.map((line, index) => {
    const price = resolveLinePrice(runtime, line, index);
    if (price.custom_unit_amount)
      throw invalidRequest(
        "Pay-what-you-want prices are not emulated in Checkout.",
        `line_items[${index}][price]`,
      );
    if (body.mode === "payment" && price.type === "recurring")
      throw invalidRequest(
        "You must be in `subscription` mode to use recurring prices.",
        `line_items[${index}][price]`,
      );
    const quantity = line.quantity ?? 1;
    const amount =
      price.recurring?.usage_type === "metered"
        ? 0
        : Math.round(Number(price.unit_amount_decimal ?? 0) * quantity);
    const productId = typeof price.product === "string" ? price.product : "";
    return {
      id: runtime.newId("li_", 24),
      object: "item",
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: runtime.store.products.get(productId)?.name ?? "Item",
      price: structuredClone(price),
      quantity,
      metadata: {},
    };
  });
}

function uiModeOf(body: CreateBody): CheckoutSessionObject["ui_mode"] {
  // Older names (`hosted`, `embedded`, `custom`) map to the ones 2026-10-28.endive returns.
  if (body.ui_mode === "embedded") return "embedded_page";
  if (body.ui_mode === "custom") return "elements";
  if (body.ui_mode === "hosted" || !body.ui_mode) return "hosted_page";
  return body.ui_mode;
}

/** Request checks that need state or time; returns when the session expires. */
function checkRequest(runtime: StripeEmulatorRuntime, body: CreateBody, now: number): number {
  if (body.customer) findCustomer(runtime, body.customer);
  if (body.customer && body.customer_email)
    throw invalidRequest(
      "You may only specify one of these parameters: customer, customer_email.",
      "customer_email",
    );
  const expiresAt = body.expires_at ?? now + EXPIRY_SECONDS_MAX;
  if (expiresAt < now + EXPIRY_SECONDS_MIN || expiresAt > now + EXPIRY_SECONDS_MAX)
    throw invalidRequest(
      "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
      "expires_at",
    );
  if (uiModeOf(body) === "hosted_page" && !body.success_url && body.mode !== "setup")
    throw invalidRequest("Missing required param: success_url.", "success_url", "parameter_missing");
  return expiresAt;
}

/** Validates a create request and builds the open session (not yet stored). */
export function createSession(runtime: StripeEmulatorRuntime, body: CreateBody): CheckoutSessionObject {
  const now = runtime.nowSeconds();
  const expiresAt = checkRequest(runtime, body, now);
  const lineItems = buildLineItems(runtime, body);
  if (body.mode === "subscription" && !lineItems.some((line) => line.price.type === "recurring"))
    throw invalidRequest(
      "You must specify at least one recurring price in `subscription` mode.",
      "line_items",
    );
  const total = lineItems.reduce((sum, line) => sum + line.amount_total, 0);
  const id = `cs_test_${runtime.random.alphanumeric(58)}`;
  const uiMode = uiModeOf(body);
  return {
    id,
    object: "checkout.session",
    created: now,
    livemode: false,
    mode: body.mode,
    status: "open",
    payment_status: body.mode === "setup" ? "no_payment_required" : "unpaid",
    amount_subtotal: total,
    amount_total: total,
    currency: lineItems[0]?.currency ?? null,
    client_reference_id: body.client_reference_id ?? null,
    client_secret: uiMode === "hosted_page" ? null : `${id}_secret_${runtime.random.alphanumeric(24)}`,
    customer: body.customer ?? null,
    customer_creation: body.customer
      ? null
      : (body.customer_creation ?? (body.mode === "payment" ? "if_required" : "always")),
    customer_details: null,
    customer_email: body.customer_email ?? null,
    expires_at: expiresAt,
    invoice: null,
    metadata: mergeMetadata({}, body.metadata),
    payment_intent: null,
    payment_link: null,
    payment_method_types: ["card"],
    setup_intent: null,
    subscription: null,
    success_url: body.success_url ?? null,
    cancel_url: body.cancel_url ?? null,
    ...(body.return_url ? { return_url: body.return_url } : {}),
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    url: uiMode === "hosted_page" ? `${runtime.publicUrl ?? ""}/c/pay/${id}` : null,
    locale: body.locale ?? null,
    allow_promotion_codes: body.allow_promotion_codes ?? null,
    ...checkoutSessionStaticFields(body.mode),
    line_items: {
      object: "list",
      data: lineItems,
      has_more: false,
      url: `/v1/checkout/sessions/${id}/line_items`,
    },
  };
}
