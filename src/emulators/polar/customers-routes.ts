import type { Context, Hono } from "hono";
import { z } from "zod";
import { emitCustomer, emitCustomerState, touch } from "./billing-operations.js";
import { serializeCustomer, serializeCustomerState } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, parseBody } from "./polar-errors.js";
import { matchesMetadata, metadataFilter, paginate, queryList } from "./polar-pagination.js";
import type { CustomerRecord } from "./polar-records.js";
import { addressSchema, metadataSchema } from "./request-schemas.js";

const taxIdSchema = z.tuple([z.string(), z.string()]);

const customerCreateSchema = z.object({
  type: z.enum(["individual", "team"]).default("individual"),
  email: z.string().email(),
  name: z.string().nullish(),
  external_id: z.string().nullish(),
  metadata: metadataSchema.default({}),
  billing_address: addressSchema.nullish(),
  tax_id: taxIdSchema.nullish(),
  locale: z.string().nullish(),
  organization_id: z.string().nullish(),
});

const customerUpdateSchema = z.object({
  email: z.string().email().nullish(),
  name: z.string().nullish(),
  external_id: z.string().nullish(),
  metadata: metadataSchema.nullish(),
  billing_address: addressSchema.nullish(),
  tax_id: taxIdSchema.nullish(),
  locale: z.string().nullish(),
  type: z.enum(["individual", "team"]).nullish(),
});

/** Live (not deleted) customer by id, or 404. */
export function findCustomer(runtime: PolarEmulatorRuntime, id: string): CustomerRecord {
  const customer = runtime.store.customers.get(id);
  if (!customer || customer.deleted_at) throw notFound();
  return customer;
}

export function findCustomerByExternalId(runtime: PolarEmulatorRuntime, externalId: string): CustomerRecord {
  const customer = runtime.store.customers.find((row) => row.external_id === externalId && !row.deleted_at);
  if (!customer) throw notFound();
  return customer;
}

function assertUnique(
  runtime: PolarEmulatorRuntime,
  field: "email" | "external_id",
  value: string,
  selfId?: string,
): void {
  const taken = runtime.store.customers.find(
    (row) => !row.deleted_at && row.id !== selfId && row[field] === value,
  );
  if (!taken) return;
  const message =
    field === "email"
      ? "A customer with this email address already exists."
      : "A customer with this external ID already exists.";
  throw fieldError([field], message, value);
}

function updateCustomer(
  runtime: PolarEmulatorRuntime,
  customer: CustomerRecord,
  body: z.infer<typeof customerUpdateSchema>,
): void {
  if (body.external_id !== undefined && body.external_id !== customer.external_id) {
    // Polar: the external id is immutable once set.
    if (customer.external_id !== null)
      throw fieldError(["external_id"], "Customer external ID cannot be updated.", body.external_id);
    if (body.external_id) assertUnique(runtime, "external_id", body.external_id, customer.id);
    customer.external_id = body.external_id ?? null;
  }
  if (body.email != null && body.email !== customer.email) {
    assertUnique(runtime, "email", body.email, customer.id);
    customer.email = body.email;
  }
  if (body.name !== undefined) customer.name = body.name ?? null;
  if (body.metadata != null) customer.metadata = body.metadata;
  if (body.billing_address !== undefined) customer.billing_address = body.billing_address ?? null;
  if (body.tax_id !== undefined) customer.tax_id = body.tax_id ?? null;
  if (body.locale !== undefined) customer.locale = body.locale ?? null;
  if (body.type === "team") customer.type = "team";
  touch(runtime, customer);
  emitCustomer(runtime, "customer.updated", customer);
  emitCustomerState(runtime, customer.id);
}

/** Soft delete; frees the external id and emits `customer.deleted`. */
function deleteCustomer(runtime: PolarEmulatorRuntime, customer: CustomerRecord, anonymize: boolean): void {
  customer.deleted_at = runtime.nowIso();
  customer.external_id = null;
  if (anonymize) {
    customer.email = `${customer.id}@anonymized.invalid`;
    customer.name = null;
    customer.billing_address = null;
  }
  touch(runtime, customer);
  emitCustomer(runtime, "customer.deleted", customer);
  emitCustomerState(runtime, customer.id);
}

export function registerCustomerRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (customer: CustomerRecord) => serializeCustomer(store, customer);
  const byId = (context: Context) => findCustomer(runtime, context.req.param("id") ?? "");

  app.post("/v1/customers/", async (context) => {
    const body = await parseBody(context, customerCreateSchema);
    assertUnique(runtime, "email", body.email);
    if (body.external_id) assertUnique(runtime, "external_id", body.external_id);
    const customer = store.customers.put({
      id: runtime.newId(),
      created_at: runtime.nowIso(),
      modified_at: null,
      type: body.type,
      email: body.email,
      name: body.name ?? null,
      external_id: body.external_id ?? null,
      metadata: body.metadata,
      billing_address: body.billing_address ?? null,
      tax_id: body.tax_id ?? null,
      locale: body.locale ?? null,
      deleted_at: null,
      payment_card: null,
    });
    emitCustomer(runtime, "customer.created", customer);
    emitCustomerState(runtime, customer.id);
    return context.json(render(customer), 201);
  });

  app.get("/v1/customers/", (context) => {
    const emails = queryList(context, "email");
    const text = context.req.query("query")?.toLowerCase();
    const metadata = metadataFilter(context);
    const rows = store.customers.filter(
      (row) =>
        !row.deleted_at &&
        (!emails || emails.includes(row.email)) &&
        (!text || `${row.email} ${row.name ?? ""} ${row.external_id ?? ""}`.toLowerCase().includes(text)) &&
        matchesMetadata(row.metadata, metadata),
    );
    return context.json(paginate(context, rows, render));
  });

  registerExternalCustomerRoutes(app, runtime);

  app.get("/v1/customers/:id", (context) => context.json(render(byId(context))));
  app.get("/v1/customers/:id/state", (context) => context.json(serializeCustomerState(store, byId(context))));
  app.patch("/v1/customers/:id", async (context) => {
    const customer = byId(context);
    updateCustomer(runtime, customer, await parseBody(context, customerUpdateSchema));
    return context.json(render(customer));
  });
  app.delete("/v1/customers/:id", (context) => {
    deleteCustomer(runtime, byId(context), context.req.query("anonymize") === "true");
    return context.body(null, 204);
  });
}

/** The `/v1/customers/external/{external_id}` twins of the id routes. */
function registerExternalCustomerRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (customer: CustomerRecord) => serializeCustomer(store, customer);
  const byExternal = (context: Context) =>
    findCustomerByExternalId(runtime, context.req.param("external_id") ?? "");

  app.get("/v1/customers/external/:external_id", (context) => context.json(render(byExternal(context))));
  app.get("/v1/customers/external/:external_id/state", (context) =>
    context.json(serializeCustomerState(store, byExternal(context))),
  );
  app.patch("/v1/customers/external/:external_id", async (context) => {
    const customer = byExternal(context);
    const body = await parseBody(context, customerUpdateSchema.omit({ external_id: true }));
    updateCustomer(runtime, customer, body);
    return context.json(render(customer));
  });
  app.delete("/v1/customers/external/:external_id", (context) => {
    deleteCustomer(runtime, byExternal(context), context.req.query("anonymize") === "true");
    return context.body(null, 204);
  });
}
