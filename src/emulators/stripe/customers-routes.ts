import { z } from "zod";
import { attachPaymentMethod, resolvePaymentMethod, setDefaultPaymentMethod } from "./payment-methods.js";
import { expandParam, mergeMetadata, metadataParam, readForm, readQuery } from "./request-input.js";
import { registerSearchRoute } from "./search-route.js";
import type { StripeApp } from "./stripe-app-types.js";
import { resourceMissing } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { CustomerObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const customerFields = {
  email: z.string().optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  payment_method: z.string().optional(),
  invoice_settings: z.object({ default_payment_method: z.string().optional() }).optional(),
  test_clock: z.string().optional(),
  expand: expandParam,
};
const createSchema = z.object(customerFields);
const updateSchema = z.object(customerFields);

export function findCustomer(runtime: StripeEmulatorRuntime, id: string, param = "customer"): CustomerObject {
  const customer = runtime.store.customers.get(id);
  if (!customer) throw resourceMissing("customer", id, param);
  return customer;
}

/** Creates a customer and emits `customer.created`. */
export function createCustomer(
  runtime: StripeEmulatorRuntime,
  input: {
    email?: string | null;
    name?: string | null;
    metadata?: Record<string, string>;
    testClock?: string | null;
  },
): CustomerObject {
  const customer: CustomerObject = {
    id: runtime.newId("cus_"),
    object: "customer",
    created: runtime.nowSeconds(),
    livemode: false,
    email: input.email ?? null,
    name: input.name ?? null,
    phone: null,
    description: null,
    metadata: input.metadata ?? {},
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    invoice_prefix: runtime.random.alphanumeric(8).toUpperCase(),
    invoice_settings: {
      default_payment_method: null,
      custom_fields: null,
      footer: null,
      rendering_options: null,
    },
    address: null,
    shipping: null,
    preferred_locales: [],
    tax_exempt: "none",
    test_clock: input.testClock ?? null,
    next_invoice_sequence: 1,
  };
  runtime.store.customers.put(customer);
  runtime.emit("customer.created", customer);
  return customer;
}

function applyPaymentMethod(
  runtime: StripeEmulatorRuntime,
  customer: CustomerObject,
  body: z.output<typeof updateSchema>,
): void {
  if (body.payment_method)
    attachPaymentMethod(runtime, resolvePaymentMethod(runtime, body.payment_method), customer);
  const defaultId = body.invoice_settings?.default_payment_method;
  if (defaultId) {
    const paymentMethod = resolvePaymentMethod(
      runtime,
      defaultId,
      "invoice_settings[default_payment_method]",
    );
    attachPaymentMethod(runtime, paymentMethod, customer);
    setDefaultPaymentMethod(runtime, customer, paymentMethod.id);
  }
}

export function registerCustomerRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;

  app.post("/v1/customers", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    if (body.test_clock && !store.testClocks.get(body.test_clock))
      throw resourceMissing("test_clock", body.test_clock, "test_clock");
    const customer = createCustomer(runtime, {
      email: body.email,
      name: body.name,
      metadata: mergeMetadata({}, body.metadata),
      testClock: body.test_clock,
    });
    customer.phone = body.phone ?? null;
    customer.description = body.description ?? null;
    applyPaymentMethod(runtime, customer, body);
    return context.json(expandObject(store, customer, body.expand));
  });

  app.post("/v1/customers/:id", async (context) => {
    const customer = findCustomer(runtime, context.req.param("id"), "id");
    const body = await readForm(context, runtime, updateSchema);
    const before = structuredClone(customer);
    if (body.email !== undefined) customer.email = body.email || null;
    if (body.name !== undefined) customer.name = body.name || null;
    if (body.phone !== undefined) customer.phone = body.phone || null;
    if (body.description !== undefined) customer.description = body.description || null;
    customer.metadata = mergeMetadata(customer.metadata, body.metadata);
    applyPaymentMethod(runtime, customer, body);
    const previous = changedFields(before, customer);
    if (Object.keys(previous).length > 0) runtime.emit("customer.updated", customer, previous);
    return context.json(expandObject(store, customer, body.expand));
  });

  app.delete("/v1/customers/:id", (context) => {
    const customer = findCustomer(runtime, context.req.param("id"), "id");
    store.customers.delete(customer.id);
    store.deletedCustomers.put({ id: customer.id });
    runtime.emit("customer.deleted", customer);
    return context.json({ id: customer.id, object: "customer", deleted: true });
  });

  registerCustomerReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerCustomerReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerSearchRoute(app, store, "customers", "customers");

  app.get("/v1/customers/:id", (context) => {
    const id = context.req.param("id");
    const customer = store.customers.get(id);
    // A deleted customer still answers, as a tombstone.
    if (!customer) {
      if (store.deletedCustomers.get(id)) return context.json({ id, object: "customer", deleted: true });
      throw resourceMissing("customer", id, "id");
    }
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, customer, query.expand));
  });

  app.get("/v1/customers", (context) => {
    const query = readQuery(
      context,
      z.object({ ...listParams, email: z.string().optional(), test_clock: z.string().optional() }),
    );
    const rows = store.customers.filter(
      (row) =>
        (query.email === undefined || row.email === query.email) &&
        (query.test_clock === undefined || row.test_clock === query.test_clock),
    );
    const list = paginate(rows, "/v1/customers", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}

/** `previous_attributes` for an `*.updated` event: old values of the top-level keys that changed. */
export function changedFields(before: object, after: object): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(value)) previous[key] = old[key] ?? null;
  }
  return previous;
}
