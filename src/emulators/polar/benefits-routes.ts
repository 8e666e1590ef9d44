import type { Hono } from "hono";
import { z } from "zod";
import { emitCustomerState } from "./billing-operations.js";
import { serializeBenefit, serializeBenefitGrant } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, notFound, parseBody } from "./polar-errors.js";
import { matchesMetadata, metadataFilter, paginate, queryBoolean, queryList } from "./polar-pagination.js";
import type { BenefitGrantRecord, BenefitRecord } from "./polar-records.js";
import { metadataSchema } from "./request-schemas.js";

const descriptionSchema = z.string().min(3).max(42);
const meterCreditPropertiesSchema = z.object({
  units: z.number().int().min(1),
  rollover: z.boolean(),
  meter_id: z.string().uuid(),
});
const benefitCreateSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("custom"),
    description: descriptionSchema,
    properties: z.object({ note: z.string().nullish() }).default({}),
    metadata: metadataSchema.default({}),
    organization_id: z.string().nullish(),
  }),
  z.object({
    type: z.literal("feature_flag"),
    description: descriptionSchema,
    properties: z.object({}).default({}),
    metadata: metadataSchema.default({}),
    organization_id: z.string().nullish(),
  }),
  z.object({
    type: z.literal("meter_credit"),
    description: descriptionSchema,
    properties: meterCreditPropertiesSchema,
    metadata: metadataSchema.default({}),
    organization_id: z.string().nullish(),
  }),
]);
const benefitUpdateSchema = z.object({
  type: z.enum(["custom", "feature_flag", "meter_credit"]).optional(),
  description: descriptionSchema.nullish(),
  metadata: metadataSchema.nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

function findBenefit(runtime: PolarEmulatorRuntime, id: string): BenefitRecord {
  const benefit = runtime.store.benefits.get(id);
  if (!benefit || benefit.is_deleted) throw notFound();
  return benefit;
}

function normalizedProperties(
  type: BenefitRecord["type"],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  if (type === "custom") return { note: properties.note ?? null };
  if (type === "feature_flag") return {};
  return properties;
}

function grantFilter(
  runtime: PolarEmulatorRuntime,
  query: { customers?: string[]; externals?: string[]; granted?: boolean },
) {
  return (grant: BenefitGrantRecord): boolean => {
    const externalId = runtime.store.customers.get(grant.customer_id)?.external_id ?? "";
    const isGranted = grant.granted_at !== null && grant.revoked_at === null;
    return (
      (!query.customers || query.customers.includes(grant.customer_id)) &&
      (!query.externals || query.externals.includes(externalId)) &&
      (query.granted === undefined || query.granted === isGranted)
    );
  };
}

export function registerBenefitRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (benefit: BenefitRecord) => serializeBenefit(store, benefit);

  app.post("/v1/benefits/", async (context) => {
    const body = await parseBody(context, benefitCreateSchema);
    if (body.type === "meter_credit" && !store.meters.get(body.properties.meter_id)) {
      throw fieldError(["properties", "meter_id"], "Meter does not exist.", body.properties.meter_id);
    }
    const benefit = store.benefits.put({
      id: runtime.newId(),
      created_at: runtime.nowIso(),
      modified_at: null,
      type: body.type,
      description: body.description,
      metadata: body.metadata,
      properties: normalizedProperties(body.type, body.properties),
      is_deleted: false,
    });
    runtime.emit("benefit.created", render(benefit));
    return context.json(render(benefit), 201);
  });

  app.get("/v1/benefits/", (context) => {
    const types = queryList(context, "type");
    const text = context.req.query("query")?.toLowerCase();
    const metadata = metadataFilter(context);
    const rows = store.benefits.filter(
      (row) =>
        !row.is_deleted &&
        (!types || types.includes(row.type)) &&
        (!text || row.description.toLowerCase().includes(text)) &&
        matchesMetadata(row.metadata, metadata),
    );
    return context.json(paginate(context, rows, render));
  });

  app.get("/v1/benefits/:id", (context) =>
    context.json(render(findBenefit(runtime, context.req.param("id")))),
  );

  app.patch("/v1/benefits/:id", async (context) => {
    const benefit = findBenefit(runtime, context.req.param("id"));
    const body = await parseBody(context, benefitUpdateSchema);
    if (body.description != null) benefit.description = body.description;
    if (body.metadata != null) benefit.metadata = body.metadata;
    if (body.properties != null)
      benefit.properties = normalizedProperties(benefit.type, { ...benefit.properties, ...body.properties });
    benefit.modified_at = runtime.nowIso();
    runtime.emit("benefit.updated", render(benefit));
    return context.json(render(benefit));
  });

  app.delete("/v1/benefits/:id", (context) => {
    const benefit = findBenefit(runtime, context.req.param("id"));
    benefit.is_deleted = true;
    benefit.modified_at = runtime.nowIso();
    const customers = new Set<string>();
    for (const grant of store.benefitGrants.filter(
      (row) => row.benefit_id === benefit.id && row.revoked_at === null,
    )) {
      grant.revoked_at = runtime.nowIso();
      customers.add(grant.customer_id);
    }
    for (const customerId of customers) emitCustomerState(runtime, customerId);
    return context.body(null, 204);
  });
  registerBenefitGrantRoutes(app, runtime);
}

function registerBenefitGrantRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const renderGrant = (grant: BenefitGrantRecord) => serializeBenefitGrant(store, grant);

  app.get("/v1/benefits/:id/grants", (context) => {
    const benefit = findBenefit(runtime, context.req.param("id"));
    const matches = grantFilter(runtime, {
      customers: queryList(context, "customer_id"),
      granted: queryBoolean(context, "is_granted"),
    });
    return context.json(
      paginate(
        context,
        store.benefitGrants.filter((row) => row.benefit_id === benefit.id && matches(row)),
        renderGrant,
      ),
    );
  });

  app.get("/v1/benefit-grants/", (context) => {
    const matches = grantFilter(runtime, {
      customers: queryList(context, "customer_id"),
      externals: queryList(context, "external_customer_id"),
      granted: queryBoolean(context, "is_granted"),
    });
    return context.json(paginate(context, store.benefitGrants.filter(matches), renderGrant));
  });
}
