import type { Meter } from "../catalog/index.js";
import type { MeterValueRecord, UsageEventRecord } from "./usage-types.js";

/**
 * What `event` contributes to each meter it matches: the event name must equal the meter's, and every
 * filter property must be present with the same value. Computed once at ingest, so aggregation is a
 * plain indexed range read per meter instead of a scan of JSON properties.
 *
 * @example
 * meterValuesOf(meters, event); // [{ meter: "api_calls", value: 1, uniqueValue: null, … }]
 */
export function meterValuesOf(meters: readonly Meter[], event: UsageEventRecord): MeterValueRecord[] {
  const values: MeterValueRecord[] = [];
  for (const meter of meters) {
    if (meter.event !== event.eventName) continue;
    if (!filterMatches(meter.filter, event.properties)) continue;
    const raw = meter.property === null ? null : propertyOf(event, meter.property);
    const number = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
    // `sum` and `max` ignore events without a numeric property rather than counting them as zero.
    if ((meter.aggregation === "sum" || meter.aggregation === "max") && !Number.isFinite(number)) continue;
    if (meter.aggregation === "unique" && (raw === null || raw === undefined)) continue;
    values.push({
      customerId: event.customerId,
      idempotencyKey: event.idempotencyKey,
      meter: meter.key,
      timestampMs: event.timestampMs,
      value: meter.aggregation === "count" ? 1 : Number.isFinite(number) ? number : 0,
      uniqueValue: meter.aggregation === "unique" ? String(raw) : null,
    });
  }
  return values;
}

/** Every filter property present with the same value (a plain loop: this runs per event and meter). */
function filterMatches(filter: Meter["filter"], properties: UsageEventRecord["properties"]): boolean {
  for (const key of Object.keys(filter)) if (properties[key] !== filter[key]) return false;
  return true;
}

function propertyOf(event: UsageEventRecord, property: string): unknown {
  if (property in event.properties) return event.properties[property];
  return property === "value" ? event.value : undefined;
}
