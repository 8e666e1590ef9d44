import type { Context, Hono } from "hono";
import { z } from "zod";
import { serializeCheckout, serializeCheckoutPublic } from "./billing-serializers.js";
import { createPrice, defaultPrice } from "./catalog-operations.js";
import {
  completeCheckoutPayment,
  confirmCheckout,
  emitCheckoutUpdated,
  expireIfDue,
  prepareCheckout,
} from "./checkout-payment.js";
import { createCustomerSession } from "./customer-sessions-routes.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, PolarApiError, parseBody } from "./polar-errors.js";
import { paginate, queryList } from "./polar-pagination.js";
import type { CheckoutRecord } from "./polar-records.js";
import { addressSchema, metadataSchema, priceCreateSchema } from "./request-schemas.js";
import { isKnownTestCard } from "./test-cards.js";

/** Polar: checkouts live 24 h by default. */
const CHECKOUT_LIFETIME_MS = 24 * 60 * 60 * 1000;

const checkoutCreateSchema = z.object({
  products: z.array(z.string().uuid()).min(1),
  prices: z.record(z.string(), z.array(priceCreateSchema)).nullish(),
  customer_id: z.string().uuid().nullish(),
  external_customer_id: z.string().nullish(),
  customer_email: z.string().email().nullish(),
  customer_name: z.string().nullish(),
  customer_billing_name: z.string().nullish(),
  customer_billing_address: addressSchema.nullish(),
  customer_ip_address: z.string().nullish(),
  customer_tax_id: z.string().nullish(),
  customer_metadata: metadataSchema.nullish(),
  metadata: metadataSchema.nullish(),
  success_url: z.string().url().nullish(),
  return_url: z.string().url().nullish(),
  embed_origin: z.string().nullish(),
  amount: z.number().int().min(0).nullish(),
  allow_discount_codes: z.boolean().default(true),
  require_billing_address: z.boolean().default(false),
  allow_trial: z.boolean().default(true),
  is_business_customer: z.boolean().default(false),
  currency: z.string().nullish(),
});

const checkoutUpdateSchema = z.object({
  product_id: z.string().uuid().nullish(),
  amount: z.number().int().min(0).nullish(),
  customer_email: z.string().email().nullish(),
  customer_name: z.string().nullish(),
  customer_billing_name: z.string().nullish(),
  customer_billing_address: addressSchema.nullish(),
  customer_tax_id: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  customer_metadata: metadataSchema.nullish(),
  success_url: z.string().url().nullish(),
  return_url: z.string().url().nullish(),
});

const checkoutConfirmSchema = checkoutUpdateSchema.extend({ confirmation_token_id: z.string().nullish() });

function baseUrl(runtime: PolarEmulatorRuntime): string {
  return runtime.publicUrl ?? "";
}

function findCheckout(runtime: PolarEmulatorRuntime, id: string): CheckoutRecord {
  const checkout = runtime.store.checkouts.get(id);
  if (!checkout) throw notFound();
  return checkout;
}

export function findCheckoutBySecret(runtime: PolarEmulatorRuntime, clientSecret: string): CheckoutRecord {
  const checkout = runtime.store.checkouts.find((row) => row.client_secret === clientSecret);
  if (!checkout) throw notFound();
  expireIfDue(runtime, checkout);
  if (checkout.status === "expired")
    throw new PolarApiError(410, "ExpiredCheckoutError", "This checkout session has expired.");
  return checkout;
}

function createCheckout(
  runtime: PolarEmulatorRuntime,
  body: z.infer<typeof checkoutCreateSchema>,
): CheckoutRecord {
  const { store } = runtime;
  body.products.forEach((id, index) => {
    if (!store.products.get(id)) throw fieldError(["products", index], "Product does not exist.", id);
  });
  if (body.customer_id && !store.customers.get(body.customer_id)) {
    throw fieldError(["customer_id"], "Customer does not exist.", body.customer_id);
  }
  // Polar links the checkout to the customer an id or external id names, and prefills what it knows.
  const customer = body.customer_id
    ? store.customers.get(body.customer_id)
    : body.external_customer_id
      ? store.customers.find((row) => row.external_id === body.external_customer_id && !row.deleted_at)
      : undefined;
  const product = store.products.get(body.products[0]!)!;
  const adHoc = body.prices?.[product.id]?.map((price) => createPrice(runtime, product.id, price, "ad_hoc"));
  const price = adHoc?.[0] ?? defaultPrice(runtime, product);
  if (!price) throw fieldError(["products", 0], "Product has no price.", product.id);
  const now = runtime.now();
  const checkout: CheckoutRecord = {
    id: runtime.newId(),
    created_at: now.toISOString(),
    modified_at: null,
    status: "open",
    client_secret: `polar_c_${runtime.random.alphanumeric(48)}`,
    expires_at: new Date(now.getTime() + CHECKOUT_LIFETIME_MS).toISOString(),
    success_url: body.success_url ?? null,
    return_url: body.return_url ?? null,
    embed_origin: body.embed_origin ?? null,
    product_ids: body.products,
    product_id: product.id,
    product_price_id: price.id,
    amount: 0,
    currency: price.price_currency,
    customer_id: customer?.id ?? null,
    customer_email: body.customer_email ?? customer?.email ?? null,
    customer_name: body.customer_name ?? customer?.name ?? null,
    customer_billing_name: body.customer_billing_name ?? customer?.name ?? null,
    customer_billing_address: body.customer_billing_address ?? customer?.billing_address ?? null,
    customer_ip_address: body.customer_ip_address ?? null,
    customer_tax_id: body.customer_tax_id ?? null,
    external_customer_id: body.external_customer_id ?? null,
    metadata: body.metadata ?? {},
    customer_metadata: body.customer_metadata ?? {},
    allow_trial: body.allow_trial,
    allow_discount_codes: body.allow_discount_codes,
    require_billing_address: body.require_billing_address,
    is_business_customer: body.is_business_customer,
    subscription_id: null,
    order_id: null,
    failure_reason: null,
  };
  checkout.amount = amountFor(runtime, checkout, body.amount ?? undefined);
  return store.checkouts.put(checkout);
}

/** Fixed prices set the amount; custom prices take the requested amount, the preset or the minimum. */
function amountFor(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  requested: number | undefined,
): number {
  const price = runtime.store.prices.get(checkout.product_price_id);
  if (!price || price.amount_type === "metered_unit") return 0;
  if (price.amount_type === "fixed") return price.price_amount ?? 0;
  const amount = requested ?? price.preset_amount ?? price.minimum_amount ?? 0;
  const minimum = price.minimum_amount ?? 0;
  if (amount < minimum || (price.maximum_amount !== null && amount > price.maximum_amount)) {
    throw fieldError(
      ["amount"],
      `Amount must be between ${minimum} and ${price.maximum_amount ?? "any"}.`,
      amount,
    );
  }
  return amount;
}

function applyUpdate(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  body: z.infer<typeof checkoutUpdateSchema>,
): void {
  if (checkout.status !== "open") throw new PolarApiError(403, "NotOpenCheckout", "Checkout is not open.");
  if (body.product_id) {
    if (!checkout.product_ids.includes(body.product_id)) {
      throw fieldError(["product_id"], "Product is not available in this checkout.", body.product_id);
    }
    const price = defaultPrice(runtime, runtime.store.products.get(body.product_id)!);
    checkout.product_id = body.product_id;
    if (price) checkout.product_price_id = price.id;
  }
  if (body.product_id || body.amount != null)
    checkout.amount = amountFor(runtime, checkout, body.amount ?? undefined);
  if (body.customer_email !== undefined) checkout.customer_email = body.customer_email ?? null;
  if (body.customer_name !== undefined) checkout.customer_name = body.customer_name ?? null;
  if (body.customer_billing_name !== undefined)
    checkout.customer_billing_name = body.customer_billing_name ?? null;
  if (body.customer_billing_address !== undefined)
    checkout.customer_billing_address = body.customer_billing_address ?? null;
  if (body.customer_tax_id !== undefined) checkout.customer_tax_id = body.customer_tax_id ?? null;
  if (body.metadata != null) checkout.metadata = body.metadata;
  if (body.customer_metadata != null) checkout.customer_metadata = body.customer_metadata;
  if (body.success_url !== undefined) checkout.success_url = body.success_url ?? null;
  if (body.return_url !== undefined) checkout.return_url = body.return_url ?? null;
  checkout.modified_at = runtime.nowIso();
  emitCheckoutUpdated(runtime, checkout);
}

export function registerCheckoutRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (checkout: CheckoutRecord) => serializeCheckout(store, baseUrl(runtime), checkout);

  app.post("/v1/checkouts/", async (context) => {
    const checkout = createCheckout(runtime, await parseBody(context, checkoutCreateSchema));
    emitCheckoutUpdated(runtime, checkout, "checkout.created");
    return context.json(render(checkout), 201);
  });

  app.get("/v1/checkouts/", (context) => {
    const filters = {
      product: queryList(context, "product_id"),
      customer: queryList(context, "customer_id"),
      external: queryList(context, "external_customer_id"),
      status: queryList(context, "status"),
    };
    const rows = store.checkouts.filter(
      (row) =>
        (!filters.product || filters.product.includes(row.product_id)) &&
        (!filters.customer || filters.customer.includes(row.customer_id ?? "")) &&
        (!filters.external || filters.external.includes(row.external_customer_id ?? "")) &&
        (!filters.status || filters.status.includes(row.status)),
    );
    return context.json(paginate(context, rows, render));
  });

  app.get("/v1/checkouts/:id", (context) =>
    context.json(render(findCheckout(runtime, context.req.param("id")))),
  );

  app.patch("/v1/checkouts/:id", async (context) => {
    const checkout = findCheckout(runtime, context.req.param("id"));
    applyUpdate(runtime, checkout, await parseBody(context, checkoutUpdateSchema));
    return context.json(render(checkout));
  });

  registerClientCheckoutRoutes(app, runtime);
}

function registerClientCheckoutRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const renderPublic = (checkout: CheckoutRecord) =>
    serializeCheckoutPublic(runtime.store, baseUrl(runtime), checkout);
  const secretOf = (context: Context) => context.req.param("client_secret") ?? "";

  app.get("/v1/checkouts/client/:client_secret", (context) =>
    context.json(renderPublic(findCheckoutBySecret(runtime, secretOf(context)))),
  );

  app.patch("/v1/checkouts/client/:client_secret", async (context) => {
    const checkout = findCheckoutBySecret(runtime, secretOf(context));
    applyUpdate(runtime, checkout, await parseBody(context, checkoutUpdateSchema));
    return context.json(renderPublic(checkout));
  });

  // Real Polar confirms, answers `confirmed`, and completes the payment asynchronously; so does the emulator.
  app.post("/v1/checkouts/client/:client_secret/confirm", async (context) => {
    const checkout = findCheckoutBySecret(runtime, secretOf(context));
    const body = await parseBody(context, checkoutConfirmSchema);
    const token = body.confirmation_token_id?.replace(/^tok_/, "") ?? "";
    const card = isKnownTestCard(token) ? token : "4242424242424242";
    prepareCheckout(runtime, checkout, {
      card,
      amount: body.amount ?? undefined,
      customerEmail: body.customer_email ?? undefined,
      customerName: body.customer_name ?? undefined,
    });
    const customer = confirmCheckout(runtime, checkout, card);
    const session = createCustomerSession(runtime, customer.id, null);
    const confirmed = { ...renderPublic(checkout), customer_session_token: session.token };
    setTimeout(() => {
      completeCheckoutPayment(runtime, checkout, customer, card);
      runtime.changed();
    }, 0);
    return context.json(confirmed);
  });
}
