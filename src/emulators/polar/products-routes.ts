import type { Hono } from "hono";
import { z } from "zod";
import { assertPriceRules, createPrice } from "./catalog-operations.js";
import { serializeProduct } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, parseBody } from "./polar-errors.js";
import { matchesMetadata, metadataFilter, paginate, queryBoolean, queryList } from "./polar-pagination.js";
import type { ProductRecord } from "./polar-records.js";
import {
  existingPriceSchema,
  metadataSchema,
  priceCreateSchema,
  recurringIntervalSchema,
} from "./request-schemas.js";

const productCreateSchema = z.object({
  name: z.string().min(3),
  description: z.string().nullish(),
  visibility: z.enum(["draft", "private", "public"]).default("public"),
  recurring_interval: recurringIntervalSchema.nullish(),
  recurring_interval_count: z.number().int().min(1).max(999).nullish(),
  trial_interval: recurringIntervalSchema.nullish(),
  trial_interval_count: z.number().int().min(1).max(1000).nullish(),
  prices: z.array(priceCreateSchema),
  metadata: metadataSchema.default({}),
  organization_id: z.string().nullish(),
  medias: z.array(z.string()).nullish(),
  attached_custom_fields: z.array(z.unknown()).nullish(),
});

const productUpdateSchema = z.object({
  name: z.string().min(3).nullish(),
  description: z.string().nullish(),
  visibility: z.enum(["draft", "private", "public"]).nullish(),
  is_archived: z.boolean().nullish(),
  metadata: metadataSchema.nullish(),
  trial_interval: recurringIntervalSchema.nullish(),
  trial_interval_count: z.number().int().min(1).nullish(),
  prices: z.array(z.union([existingPriceSchema, priceCreateSchema])).nullish(),
});

const benefitsUpdateSchema = z.object({ benefits: z.array(z.string()) });

export function findProduct(runtime: PolarEmulatorRuntime, id: string): ProductRecord {
  const product = runtime.store.products.get(id);
  if (!product) throw notFound();
  return product;
}

function createProduct(
  runtime: PolarEmulatorRuntime,
  body: z.infer<typeof productCreateSchema>,
): ProductRecord {
  const isRecurring = body.recurring_interval != null;
  assertPriceRules(body.prices, isRecurring);
  const product: ProductRecord = {
    id: runtime.newId(),
    created_at: runtime.nowIso(),
    modified_at: null,
    name: body.name,
    description: body.description ?? null,
    visibility: body.visibility,
    recurring_interval: body.recurring_interval ?? null,
    recurring_interval_count: isRecurring ? (body.recurring_interval_count ?? 1) : null,
    trial_interval: isRecurring ? (body.trial_interval ?? null) : null,
    trial_interval_count: isRecurring && body.trial_interval ? (body.trial_interval_count ?? 1) : null,
    is_archived: false,
    metadata: body.metadata,
    price_ids: [],
    benefit_ids: [],
  };
  product.price_ids = body.prices.map((price) => createPrice(runtime, product.id, price).id);
  return runtime.store.products.put(product);
}

export function registerProductRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;

  app.post("/v1/products/", async (context) => {
    const product = createProduct(runtime, await parseBody(context, productCreateSchema));
    runtime.emit("product.created", serializeProduct(store, product));
    return context.json(serializeProduct(store, product), 201);
  });

  app.get("/v1/products/", (context) => {
    const ids = queryList(context, "id");
    const archived = queryBoolean(context, "is_archived");
    const recurring = queryBoolean(context, "is_recurring");
    const text = context.req.query("query")?.toLowerCase();
    const metadata = metadataFilter(context);
    const rows = store.products.filter(
      (product) =>
        (!ids || ids.includes(product.id)) &&
        (archived === undefined || product.is_archived === archived) &&
        (recurring === undefined || (product.recurring_interval !== null) === recurring) &&
        (!text || product.name.toLowerCase().includes(text)) &&
        matchesMetadata(product.metadata, metadata),
    );
    return context.json(paginate(context, rows, (product) => serializeProduct(store, product)));
  });

  app.get("/v1/products/:id", (context) =>
    context.json(serializeProduct(store, findProduct(runtime, context.req.param("id")))),
  );

  app.patch("/v1/products/:id", async (context) => {
    const product = findProduct(runtime, context.req.param("id"));
    const body = await parseBody(context, productUpdateSchema);
    if (body.name != null) product.name = body.name;
    if (body.description !== undefined) product.description = body.description ?? null;
    if (body.visibility != null) product.visibility = body.visibility;
    if (body.is_archived != null) product.is_archived = body.is_archived;
    if (body.metadata != null) product.metadata = body.metadata;
    if (body.trial_interval !== undefined && product.recurring_interval)
      product.trial_interval = body.trial_interval ?? null;
    if (body.trial_interval_count !== undefined && product.recurring_interval) {
      product.trial_interval_count = body.trial_interval_count ?? null;
    }
    if (body.prices != null) replacePrices(runtime, product, body.prices);
    product.modified_at = runtime.nowIso();
    runtime.emit("product.updated", serializeProduct(store, product));
    return context.json(serializeProduct(store, product));
  });

  app.post("/v1/products/:id/benefits", async (context) => {
    const product = findProduct(runtime, context.req.param("id"));
    const body = await parseBody(context, benefitsUpdateSchema);
    body.benefits.forEach((id, index) => {
      if (!store.benefits.get(id)) throw fieldError(["benefits", index], "Benefit does not exist.", id);
    });
    product.benefit_ids = body.benefits;
    product.modified_at = runtime.nowIso();
    runtime.emit("product.updated", serializeProduct(store, product));
    return context.json(serializeProduct(store, product));
  });
}

/** Prices not listed are archived; `{id}` keeps an existing price; other entries create new prices. */
function replacePrices(
  runtime: PolarEmulatorRuntime,
  product: ProductRecord,
  prices: Array<z.infer<typeof existingPriceSchema> | z.infer<typeof priceCreateSchema>>,
): void {
  const keptIds = new Set<string>();
  const created: string[] = [];
  prices.forEach((price, index) => {
    if ("amount_type" in price) {
      created.push(createPrice(runtime, product.id, price).id);
    } else if (product.price_ids.includes(price.id)) {
      keptIds.add(price.id);
    } else {
      throw fieldError(["prices", index, "id"], "Price does not exist on this product.", price.id);
    }
  });
  for (const id of product.price_ids) {
    const price = runtime.store.prices.get(id);
    if (price && !keptIds.has(id)) price.is_archived = true;
  }
  product.price_ids = [...product.price_ids, ...created];
  const active = product.price_ids.flatMap((id) => {
    const price = runtime.store.prices.get(id);
    return price && !price.is_archived ? [price] : [];
  });
  assertPriceRules(active, product.recurring_interval !== null);
}
