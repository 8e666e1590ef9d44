import { z } from "zod";
import type { MeterEventObject, MeterObject } from "./billing-records.js";
import { changedFields, findCustomer } from "./customers-routes.js";
import { aggregate, meterEventsFor } from "./meter-usage.js";
import { formInt, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, missingParam, resourceMissing } from "./stripe-errors.js";
import { listParams, paginate } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const createSchema = z.object({
  display_name: z.string().min(1),
  event_name: z.string().min(1),
  default_aggregation: z.object({ formula: z.enum(["sum", "count", "last"]) }),
  customer_mapping: z.object({ event_payload_key: z.string(), type: z.literal("by_id") }).optional(),
  value_settings: z.object({ event_payload_key: z.string() }).optional(),
  event_time_window: z.enum(["day", "hour"]).optional(),
});
const eventSchema = z.object({
  event_name: z.string().min(1),
  payload: z.record(z.string(), z.string()),
  identifier: z.string().max(100).optional(),
  timestamp: formInt.optional(),
});
/** Stripe accepts events up to 35 days old and at most 5 minutes ahead (facts §5.9). */
const EVENT_AGE_SECONDS_MAX = 35 * 86_400;
const EVENT_FUTURE_SECONDS_MAX = 5 * 60;

function findMeter(runtime: StripeEmulatorRuntime, id: string): MeterObject {
  const meter = runtime.store.meters.get(id);
  if (!meter) throw resourceMissing("billing.meter", id, "id");
  return meter;
}

/** Validates and stores one meter event; v1 answers its errors, the v2 stream reports them later. */
export function recordMeterEvent(
  runtime: StripeEmulatorRuntime,
  body: z.output<typeof eventSchema>,
): MeterEventObject {
  const now = runtime.nowSeconds();
  const meter = runtime.store.meters.find(
    (row) => row.event_name === body.event_name && row.status === "active",
  );
  if (!meter)
    throw invalidRequest(`No active meter was found for event_name '${body.event_name}'.`, "event_name");
  const customerId = body.payload[meter.customer_mapping.event_payload_key];
  if (!customerId) throw missingParam(`payload[${meter.customer_mapping.event_payload_key}]`);
  findCustomer(runtime, customerId, `payload[${meter.customer_mapping.event_payload_key}]`);
  const value = body.payload[meter.value_settings.event_payload_key];
  if (
    meter.default_aggregation.formula !== "count" &&
    (value === undefined || !Number.isFinite(Number(value)))
  )
    throw invalidRequest(
      `payload[${meter.value_settings.event_payload_key}] must be a number.`,
      `payload[${meter.value_settings.event_payload_key}]`,
    );
  const timestamp = body.timestamp ?? now;
  if (timestamp < now - EVENT_AGE_SECONDS_MAX || timestamp > now + EVENT_FUTURE_SECONDS_MAX)
    throw invalidRequest(
      "Timestamp must be within the past 35 days and no more than 5 minutes in the future.",
      "timestamp",
    );
  const identifier = body.identifier ?? runtime.newId("", 24);
  // The identifier is the caller's idempotency handle: a repeat is rejected, not applied twice.
  if (runtime.store.meterEvents.get(identifier))
    throw invalidRequest(`An event already exists with identifier ${identifier}.`, "identifier");
  const event: MeterEventObject = {
    object: "billing.meter_event",
    created: now,
    event_name: body.event_name,
    identifier,
    livemode: false,
    payload: body.payload,
    timestamp,
  };
  runtime.store.meterEvents.put({ id: identifier, ...event });
  return event;
}

function registerMeterEventRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/v1/billing/meter_events", async (context) => {
    const body = await readForm(context, runtime, eventSchema);
    return context.json(recordMeterEvent(runtime, body));
  });

  app.get("/v1/billing/meters/:id/event_summaries", (context) => {
    const meter = findMeter(runtime, context.req.param("id"));
    const query = readQuery(
      context,
      z.object({ ...listParams, customer: z.string(), start_time: formInt, end_time: formInt }),
    );
    const events = meterEventsFor(runtime, meter, query.customer, {
      start: query.start_time,
      end: query.end_time,
    });
    const summary = {
      id: `mtrusg_${meter.id}_${query.start_time}`,
      object: "billing.meter_event_summary",
      aggregated_value: aggregate(meter, events),
      start_time: query.start_time,
      end_time: query.end_time,
      livemode: false,
      meter: meter.id,
    };
    return context.json(paginate([summary], `/v1/billing/meters/${meter.id}/event_summaries`, query));
  });
}

export function registerMeterRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/billing/meters", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    if (store.meters.find((row) => row.event_name === body.event_name && row.status === "active"))
      throw invalidRequest(
        `An active meter with event_name '${body.event_name}' already exists.`,
        "event_name",
      );
    const now = runtime.nowSeconds();
    const meter: MeterObject = {
      id: runtime.newId("mtr_", 24),
      object: "billing.meter",
      created: now,
      updated: now,
      livemode: false,
      display_name: body.display_name,
      event_name: body.event_name,
      event_time_window: body.event_time_window ?? null,
      status: "active",
      status_transitions: { deactivated_at: null },
      customer_mapping: body.customer_mapping ?? { event_payload_key: "stripe_customer_id", type: "by_id" },
      default_aggregation: body.default_aggregation,
      value_settings: body.value_settings ?? { event_payload_key: "value" },
    };
    store.meters.put(meter);
    return context.json(meter);
  });

  app.post("/v1/billing/meters/:id", async (context) => {
    const meter = findMeter(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, z.object({ display_name: z.string().min(1).optional() }));
    const before = structuredClone(meter);
    if (body.display_name) meter.display_name = body.display_name;
    if (Object.keys(changedFields(before, meter)).length > 0) meter.updated = runtime.nowSeconds();
    return context.json(meter);
  });

  for (const [action, status] of [
    ["deactivate", "inactive"],
    ["reactivate", "active"],
  ] as const) {
    app.post(`/v1/billing/meters/:id/${action}`, async (context) => {
      const meter = findMeter(runtime, context.req.param("id"));
      await readForm(context, runtime, z.object({}));
      meter.status = status;
      meter.status_transitions.deactivated_at = status === "inactive" ? runtime.nowSeconds() : null;
      meter.updated = runtime.nowSeconds();
      return context.json(meter);
    });
  }

  registerMeterEventRoutes(app, runtime);
  registerMeterReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerMeterReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.get("/v1/billing/meters/:id", (context) => context.json(findMeter(runtime, context.req.param("id"))));

  app.get("/v1/billing/meters", (context) => {
    const query = readQuery(
      context,
      z.object({ ...listParams, status: z.enum(["active", "inactive"]).optional() }),
    );
    return context.json(
      paginate(
        store.meters.filter((row) => !query.status || row.status === query.status),
        "/v1/billing/meters",
        query,
      ),
    );
  });
}
