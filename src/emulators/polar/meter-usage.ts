import type { EventRecord, MeterFilter, MeterFilterClause, MeterRecord } from "./polar-records.js";
import type { PolarStore } from "./polar-store.js";

/** Reads an event property the way Polar meters do: `name`/`timestamp` or a metadata key without prefix. */
function propertyOf(event: EventRecord, property: string): unknown {
  if (property === "name") return event.name;
  if (property === "timestamp") return event.timestamp;
  const key = property.startsWith("metadata.") ? property.slice("metadata.".length) : property;
  return event.metadata[key];
}

function clauseMatches(event: EventRecord, clause: MeterFilterClause): boolean {
  const actual = propertyOf(event, clause.property);
  const expected = clause.value;
  switch (clause.operator) {
    case "eq":
      return String(actual) === String(expected);
    case "ne":
      return String(actual) !== String(expected);
    case "gt":
      return Number(actual) > Number(expected);
    case "gte":
      return Number(actual) >= Number(expected);
    case "lt":
      return Number(actual) < Number(expected);
    case "lte":
      return Number(actual) <= Number(expected);
    case "like":
      return String(actual).includes(String(expected));
    case "not_like":
      return !String(actual).includes(String(expected));
  }
}

export function filterMatches(event: EventRecord, filter: MeterFilter): boolean {
  if (filter.clauses.length === 0) return true;
  const results = filter.clauses.map((clause) =>
    "clauses" in clause ? filterMatches(event, clause) : clauseMatches(event, clause),
  );
  return filter.conjunction === "and" ? results.every(Boolean) : results.some(Boolean);
}

export function aggregate(meter: MeterRecord, events: EventRecord[]): number {
  const aggregation = meter.aggregation;
  if (aggregation.func === "count") return events.length;
  const values = events.map((event) => propertyOf(event, aggregation.property));
  if (aggregation.func === "unique") return new Set(values.map(String)).size;
  const numbers = values.map(Number).filter((value) => Number.isFinite(value));
  if (numbers.length === 0) return 0;
  switch (aggregation.func) {
    case "sum":
      return numbers.reduce((total, value) => total + value, 0);
    case "max":
      return Math.max(...numbers);
    case "min":
      return Math.min(...numbers);
    case "avg":
      return numbers.reduce((total, value) => total + value, 0) / numbers.length;
  }
}

export interface UsageWindow {
  customerId?: string | undefined;
  externalCustomerId?: string | null | undefined;
  fromInclusive?: Date | undefined;
  toExclusive?: Date | undefined;
}

/** The meter's events for a customer (by id or external id) inside a time window. */
export function meterEvents(store: PolarStore, meter: MeterRecord, window: UsageWindow): EventRecord[] {
  const fromMs = window.fromInclusive?.getTime() ?? Number.NEGATIVE_INFINITY;
  const toMs = window.toExclusive?.getTime() ?? Number.POSITIVE_INFINITY;
  return store.events.filter((event) => {
    const at = Date.parse(event.timestamp);
    if (at < fromMs || at >= toMs) return false;
    if (window.customerId !== undefined || window.externalCustomerId) {
      const sameCustomer =
        (window.customerId !== undefined && event.customer_id === window.customerId) ||
        (!!window.externalCustomerId && event.external_customer_id === window.externalCustomerId);
      if (!sameCustomer) return false;
    }
    return filterMatches(event, meter.filter);
  });
}

export interface CustomerMeterBalance {
  meterId: string;
  consumedUnits: number;
  creditedUnits: number;
  balance: number;
}

/** Units credited by active meter_credit grants minus units consumed, per meter the customer touches. */
export function customerMeterBalances(store: PolarStore, customerId: string): CustomerMeterBalance[] {
  const customer = store.customers.get(customerId);
  if (!customer) return [];
  const credited = new Map<string, number>();
  for (const grant of store.benefitGrants.filter(
    (row) => row.customer_id === customerId && !row.revoked_at,
  )) {
    const benefit = store.benefits.get(grant.benefit_id);
    if (benefit?.type !== "meter_credit") continue;
    const meterId = String(benefit.properties.meter_id);
    const units = Number(grant.properties.last_credited_units ?? benefit.properties.units ?? 0);
    credited.set(meterId, (credited.get(meterId) ?? 0) + units);
  }
  const meterIds = new Set(credited.keys());
  for (const subscription of store.subscriptions.filter((row) => row.customer_id === customerId)) {
    for (const priceId of subscription.price_ids) {
      const meterId = store.prices.get(priceId)?.meter_id;
      if (meterId) meterIds.add(meterId);
    }
  }
  return [...meterIds].flatMap((meterId) => {
    const meter = store.meters.get(meterId);
    if (!meter) return [];
    const window = { customerId, externalCustomerId: customer.external_id };
    const consumedUnits = aggregate(meter, meterEvents(store, meter, window));
    const creditedUnits = credited.get(meterId) ?? 0;
    return [{ meterId, consumedUnits, creditedUnits, balance: creditedUnits - consumedUnits }];
  });
}
