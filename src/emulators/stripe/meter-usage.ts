import type { MeterEventObject, MeterObject, SubscriptionObject } from "./billing-records.js";
import type { PriceObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

export interface UsageWindow {
  start: number;
  end: number;
}

/** Events of one meter for one customer with `start <= timestamp < end`. */
export function meterEventsFor(
  runtime: StripeEmulatorRuntime,
  meter: MeterObject,
  customerId: string,
  window: UsageWindow,
): MeterEventObject[] {
  const customerKey = meter.customer_mapping.event_payload_key;
  return runtime.store.meterEvents.filter(
    (event) =>
      event.event_name === meter.event_name &&
      event.payload[customerKey] === customerId &&
      event.timestamp >= window.start &&
      event.timestamp < window.end,
  );
}

/** Applies the meter's formula (sum, count or last) to the event values. */
export function aggregate(meter: MeterObject, events: readonly MeterEventObject[]): number {
  const valueKey = meter.value_settings.event_payload_key;
  const values = events.map((event) => Number(event.payload[valueKey] ?? 0));
  switch (meter.default_aggregation.formula) {
    case "count":
      return values.length;
    case "last":
      return values.at(-1) ?? 0;
    case "sum":
      return values.reduce((sum, value) => sum + value, 0);
  }
}

/** Usage billed for a metered price over a window, or 0 when its meter is gone. */
export function meteredUsage(
  runtime: StripeEmulatorRuntime,
  price: PriceObject,
  subscription: SubscriptionObject,
  window: UsageWindow,
): number {
  const meterId = price.recurring?.meter;
  const meter = meterId ? runtime.store.meters.get(meterId) : undefined;
  const customerId = typeof subscription.customer === "string" ? subscription.customer : "";
  if (!meter) return 0;
  return aggregate(meter, meterEventsFor(runtime, meter, customerId, window));
}
