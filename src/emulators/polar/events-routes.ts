import type { Hono } from "hono";
import { z } from "zod";
import { serializeEvent } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { filterMatches } from "./meter-usage.js";
import { findMeter } from "./meters-routes.js";
import { notFound, PolarValidationError, parseBody } from "./polar-errors.js";
import { paginate, queryList } from "./polar-pagination.js";
import type { EventRecord } from "./polar-records.js";

/** Polar's `EventMetadataInput`: keys up to 40 characters, strings up to 500, at most 50 pairs. */
const eventMetadataSchema = z
  .record(z.string().max(40), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((metadata) => Object.keys(metadata).length <= 50, { message: "at most 50 key-value pairs" });
const eventBase = {
  name: z.string().min(1).max(128),
  timestamp: z.string().datetime({ offset: true }).nullish(),
  external_id: z.string().nullish(),
  parent_id: z.string().nullish(),
  metadata: eventMetadataSchema.default({}),
  organization_id: z.string().nullish(),
  member_id: z.string().nullish(),
  external_member_id: z.string().nullish(),
};
const eventCreateSchema = z.union([
  z.object({ ...eventBase, customer_id: z.string().uuid() }),
  z.object({ ...eventBase, external_customer_id: z.string().min(1) }),
]);
const eventsIngestSchema = z.object({ events: z.array(eventCreateSchema) });

/** Batches are all-or-nothing: an unknown `customer_id` rejects the whole request (external ids are not checked). */
function ingest(
  runtime: PolarEmulatorRuntime,
  events: z.infer<typeof eventsIngestSchema>["events"],
): { inserted: number; duplicates: number } {
  const { store } = runtime;
  events.forEach((event, index) => {
    if ("customer_id" in event && !store.customers.get(event.customer_id)) {
      throw new PolarValidationError(
        [
          {
            type: "value_error",
            loc: ["body", "events", index, "customer_id"],
            msg: "Customer does not exist.",
            input: event.customer_id,
          },
        ],
        "PolarRequestValidationError",
      );
    }
  });
  // Polar: `ON CONFLICT (organization_id, external_id) DO NOTHING`, also within one batch.
  const seen = runtime.externalEventIds();
  let inserted = 0;
  let duplicates = 0;
  for (const event of events) {
    if (event.external_id && seen.has(event.external_id)) {
      duplicates += 1;
      continue;
    }
    if (event.external_id) seen.add(event.external_id);
    store.events.put({
      id: runtime.newId(),
      timestamp: event.timestamp ? new Date(event.timestamp).toISOString() : runtime.nowIso(),
      name: event.name,
      customer_id: "customer_id" in event ? event.customer_id : null,
      external_customer_id: "external_customer_id" in event ? event.external_customer_id : null,
      external_id: event.external_id ?? null,
      parent_id: event.parent_id ?? null,
      metadata: event.metadata,
    });
    inserted += 1;
  }
  runtime.eventIngestTotals.inserted += inserted;
  runtime.eventIngestTotals.duplicates += duplicates;
  return { inserted, duplicates };
}

export function registerEventRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;

  app.post("/v1/events/ingest", async (context) => {
    const body = await parseBody(context, eventsIngestSchema);
    return context.json(ingest(runtime, body.events), 200);
  });

  app.get("/v1/events/names", (context) => {
    const byName = new Map<string, EventRecord[]>();
    for (const event of store.events.all())
      byName.set(event.name, [...(byName.get(event.name) ?? []), event]);
    const rows = [...byName.entries()].map(([name, events]) => ({
      name,
      label: name,
      source: "user",
      occurrences: events.length,
      first_seen: events[0]!.timestamp,
      last_seen: events[events.length - 1]!.timestamp,
    }));
    return context.json(paginate(context, rows, (row) => row));
  });

  app.get("/v1/events/", (context) => {
    const customers = queryList(context, "customer_id");
    const externals = queryList(context, "external_customer_id");
    const names = queryList(context, "name");
    const meterId = context.req.query("meter_id");
    const meter = meterId ? findMeter(runtime, meterId) : undefined;
    const rows = store.events.filter(
      (event) =>
        (!customers || customers.includes(event.customer_id ?? "")) &&
        (!externals || externals.includes(event.external_customer_id ?? "")) &&
        (!names || names.includes(event.name)) &&
        (!meter || filterMatches(event, meter.filter)),
    );
    return context.json(paginate(context, rows, (event) => serializeEvent(store, event)));
  });

  app.get("/v1/events/:id", (context) => {
    const event = store.events.get(context.req.param("id"));
    if (!event) throw notFound();
    return context.json(serializeEvent(store, event));
  });
}
