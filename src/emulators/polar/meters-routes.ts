import type { Context, Hono } from "hono";
import { z } from "zod";
import { addInterval } from "../shared/billing-calendar.js";
import { serializeMeter } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { aggregate, meterEvents } from "./meter-usage.js";
import { notFound, PolarValidationError, parseBody } from "./polar-errors.js";
import { paginate, queryBoolean } from "./polar-pagination.js";
import type { MeterFilter, MeterRecord, RecurringInterval } from "./polar-records.js";
import { metadataSchema } from "./request-schemas.js";

const clauseSchema = z.object({
  property: z.string().min(1),
  operator: z.enum(["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"]),
  value: z.union([z.string(), z.number(), z.boolean()]),
});
const filterSchema: z.ZodType<MeterFilter> = z.lazy(() =>
  z.object({ conjunction: z.enum(["and", "or"]), clauses: z.array(z.union([clauseSchema, filterSchema])) }),
);
const aggregationSchema = z.union([
  z.object({ func: z.literal("count") }),
  z.object({ func: z.enum(["sum", "max", "min", "avg", "unique"]), property: z.string().min(1) }),
]);

const meterCreateSchema = z.object({
  name: z.string().min(3),
  filter: filterSchema,
  aggregation: aggregationSchema,
  unit: z.enum(["scalar", "token", "custom"]).default("scalar"),
  custom_label: z.string().nullish(),
  custom_multiplier: z.number().int().nullish(),
  metadata: metadataSchema.default({}),
  organization_id: z.string().nullish(),
});
const meterUpdateSchema = z.object({
  name: z.string().min(3).nullish(),
  filter: filterSchema.nullish(),
  aggregation: aggregationSchema.nullish(),
  metadata: metadataSchema.nullish(),
  is_archived: z.boolean().nullish(),
});

/** Quantities may not cover more buckets than this, so a bad query cannot hang the emulator. */
const QUANTITY_BUCKETS_MAX = 10_000;

export function findMeter(runtime: PolarEmulatorRuntime, id: string): MeterRecord {
  const meter = runtime.store.meters.get(id);
  if (!meter) throw notFound();
  return meter;
}

function requiredTimestamp(value: string | undefined, name: string): Date {
  const parsed = value ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new PolarValidationError([
      { type: "missing", loc: ["query", name], msg: "Field required", input: value ?? null },
    ]);
  }
  return parsed;
}

/** `GET /v1/meters/{id}/quantities`: the meter aggregated per interval bucket, plus the total. */
function meterQuantities(runtime: PolarEmulatorRuntime, context: Context): Response {
  const { store } = runtime;
  const meter = findMeter(runtime, context.req.param("id") ?? "");
  const start = requiredTimestamp(context.req.query("start_timestamp"), "start_timestamp");
  const end = requiredTimestamp(context.req.query("end_timestamp"), "end_timestamp");
  const interval = (context.req.query("interval") ?? "day") as RecurringInterval | "hour";
  const window = {
    customerId: context.req.query("customer_id"),
    externalCustomerId: context.req.query("external_customer_id"),
  };
  const quantities: Array<{ timestamp: string; quantity: number }> = [];
  let bucketStart = start;
  while (bucketStart < end && quantities.length < QUANTITY_BUCKETS_MAX) {
    const bucketEnd =
      interval === "hour"
        ? new Date(bucketStart.getTime() + 3_600_000)
        : addInterval(bucketStart, interval, 1);
    const events = meterEvents(store, meter, {
      ...window,
      fromInclusive: bucketStart,
      toExclusive: bucketEnd,
    });
    quantities.push({ timestamp: bucketStart.toISOString(), quantity: aggregate(meter, events) });
    bucketStart = bucketEnd;
  }
  const total = aggregate(
    meter,
    meterEvents(store, meter, { ...window, fromInclusive: start, toExclusive: end }),
  );
  return context.json({ quantities, total });
}

export function registerMeterRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (meter: MeterRecord) => serializeMeter(store, meter);

  app.post("/v1/meters/", async (context) => {
    const body = await parseBody(context, meterCreateSchema);
    const meter = store.meters.put({
      id: runtime.newId(),
      created_at: runtime.nowIso(),
      modified_at: null,
      name: body.name,
      unit: body.unit,
      custom_label: body.custom_label ?? null,
      custom_multiplier: body.custom_multiplier ?? null,
      filter: body.filter,
      aggregation: body.aggregation,
      metadata: body.metadata,
      archived_at: null,
    });
    return context.json(render(meter), 201);
  });

  app.get("/v1/meters/", (context) => {
    const text = context.req.query("query")?.toLowerCase();
    const archived = queryBoolean(context, "is_archived");
    const rows = store.meters.filter(
      (row) =>
        (!text || row.name.toLowerCase().includes(text)) &&
        (archived === undefined || (row.archived_at !== null) === archived),
    );
    return context.json(paginate(context, rows, render));
  });

  app.get("/v1/meters/:id", (context) => context.json(render(findMeter(runtime, context.req.param("id")))));

  app.patch("/v1/meters/:id", async (context) => {
    const meter = findMeter(runtime, context.req.param("id"));
    const body = await parseBody(context, meterUpdateSchema);
    if (body.name != null) meter.name = body.name;
    if (body.filter != null) meter.filter = body.filter;
    if (body.aggregation != null) meter.aggregation = body.aggregation;
    if (body.metadata != null) meter.metadata = body.metadata;
    if (body.is_archived != null) meter.archived_at = body.is_archived ? runtime.nowIso() : null;
    meter.modified_at = runtime.nowIso();
    return context.json(render(meter));
  });

  app.get("/v1/meters/:id/quantities", (context) => meterQuantities(runtime, context));
}
