import { z } from "zod";
import { createPrice, createProduct, findPrice, findProduct } from "./catalog-operations.js";
import {
  priceCreateSchema,
  priceInputFrom,
  priceUpdateSchema,
  productCreateSchema,
  productUpdateSchema,
} from "./catalog-schemas.js";
import { changedFields } from "./customers-routes.js";
import { expandParam, formBool, mergeMetadata, readForm, readQuery } from "./request-input.js";
import { registerSearchRoute } from "./search-route.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, missingParam } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

function registerProductRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/products", async (context) => {
    const body = await readForm(context, runtime, productCreateSchema);
    const product = createProduct(runtime, {
      id: body.id,
      name: body.name,
      description: body.description,
      metadata: mergeMetadata({}, body.metadata),
      active: body.active,
      unitLabel: body.unit_label,
      url: body.url,
      images: body.images,
    });
    if (body.default_price_data) {
      const price = createPrice(runtime, priceInputFrom(body.default_price_data, product.id));
      product.default_price = price.id;
    }
    return context.json(expandObject(store, product, body.expand));
  });

  app.post("/v1/products/:id", async (context) => {
    const product = findProduct(runtime, context.req.param("id"), "id");
    const body = await readForm(context, runtime, productUpdateSchema);
    const before = structuredClone(product);
    if (body.name !== undefined) product.name = body.name;
    if (body.description !== undefined) product.description = body.description || null;
    if (body.active !== undefined) product.active = body.active;
    if (body.unit_label !== undefined) product.unit_label = body.unit_label || null;
    if (body.url !== undefined) product.url = body.url || null;
    if (body.images !== undefined) product.images = body.images === "" ? [] : body.images;
    if (body.default_price !== undefined) {
      const price = findPrice(runtime, body.default_price, "default_price");
      if (price.product !== product.id)
        throw invalidRequest("The default price must belong to this product.", "default_price");
      product.default_price = price.id;
    }
    product.metadata = mergeMetadata(product.metadata, body.metadata);
    const previous = changedFields(before, product);
    if (Object.keys(previous).length > 0) {
      product.updated = runtime.nowSeconds();
      runtime.emit("product.updated", product, previous);
    }
    return context.json(expandObject(store, product, body.expand));
  });

  app.delete("/v1/products/:id", (context) => {
    const product = findProduct(runtime, context.req.param("id"), "id");
    // Stripe refuses to delete a product that has prices; archive it instead.
    if (store.prices.find((price) => price.product === product.id))
      throw invalidRequest(
        "This product cannot be deleted because it has one or more user-created prices.",
        "id",
      );
    store.products.delete(product.id);
    runtime.emit("product.deleted", product);
    return context.json({ id: product.id, object: "product", deleted: true });
  });

  registerProductReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerProductReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerSearchRoute(app, store, "products", "products");

  app.get("/v1/products/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(
      expandObject(store, findProduct(runtime, context.req.param("id"), "id"), query.expand),
    );
  });

  app.get("/v1/products", (context) => {
    const query = readQuery(
      context,
      z.object({ ...listParams, active: formBool.optional(), ids: z.array(z.string()).optional() }),
    );
    const rows = store.products.filter(
      (row) =>
        (query.active === undefined || row.active === query.active) &&
        (!query.ids || query.ids.includes(row.id)),
    );
    const list = paginate(rows, "/v1/products", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}

const priceListSchema = z.object({
  ...listParams,
  active: formBool.optional(),
  product: z.string().optional(),
  currency: z.string().optional(),
  type: z.enum(["one_time", "recurring"]).optional(),
  lookup_keys: z.array(z.string()).max(10).optional(),
});

function registerPriceRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/prices", async (context) => {
    const body = await readForm(context, runtime, priceCreateSchema);
    let productId = body.product;
    if (!productId && body.product_data) {
      productId = createProduct(runtime, {
        name: body.product_data.name,
        metadata: mergeMetadata({}, body.product_data.metadata),
        active: body.product_data.active,
      }).id;
    }
    if (!productId) throw missingParam("product");
    const price = createPrice(runtime, priceInputFrom(body, productId));
    return context.json(expandObject(store, price, body.expand));
  });

  app.post("/v1/prices/:id", async (context) => {
    const price = findPrice(runtime, context.req.param("id"), "id");
    const body = await readForm(context, runtime, priceUpdateSchema);
    const before = structuredClone(price);
    if (body.lookup_key !== undefined && body.lookup_key !== price.lookup_key) {
      const holder = body.lookup_key
        ? store.prices.find((row) => row.lookup_key === body.lookup_key)
        : undefined;
      if (holder && !body.transfer_lookup_key)
        throw invalidRequest(
          `A price (\`${holder.id}\`) already uses that lookup key.`,
          "lookup_key",
          "lookup_key_already_exists",
        );
      if (holder) holder.lookup_key = null;
      price.lookup_key = body.lookup_key || null;
    }
    if (body.active !== undefined) price.active = body.active;
    if (body.nickname !== undefined) price.nickname = body.nickname || null;
    price.metadata = mergeMetadata(price.metadata, body.metadata);
    const previous = changedFields(before, price);
    if (Object.keys(previous).length > 0) runtime.emit("price.updated", price, previous);
    return context.json(expandObject(store, price, body.expand));
  });

  registerPriceReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerPriceReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerSearchRoute(app, store, "prices", "prices");

  app.get("/v1/prices/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, findPrice(runtime, context.req.param("id"), "id"), query.expand));
  });

  app.get("/v1/prices", (context) => {
    const query = readQuery(context, priceListSchema);
    const rows = store.prices.filter(
      (row) =>
        (query.active === undefined || row.active === query.active) &&
        (query.product === undefined || row.product === query.product) &&
        (query.currency === undefined || row.currency === query.currency.toLowerCase()) &&
        (query.type === undefined || row.type === query.type) &&
        (!query.lookup_keys || (row.lookup_key !== null && query.lookup_keys.includes(row.lookup_key))),
    );
    const list = paginate(rows, "/v1/prices", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}

export function registerCatalogRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  registerProductRoutes(app, runtime);
  registerPriceRoutes(app, runtime);
}
