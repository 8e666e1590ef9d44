/** A property value carried by a usage event. */
export type UsagePropertyValue = string | number | boolean | null;

/** One usage event as the app reports it. */
export interface UsageEventInput {
  customerId: string;
  /** The event's name, matched by meters' `event`, e.g. `api.request`. */
  event: string;
  /** Defaults to 1. */
  value?: number;
  properties?: Record<string, UsagePropertyValue>;
  /** When it happened (ISO 8601); defaults to now. At most a small skew into the future. */
  timestamp?: string;
  /** Your id for this event: the same key again is a duplicate, counted once. */
  idempotencyKey: string;
}

/** A validated event, as stored. */
export interface UsageEventRecord {
  customerId: string;
  idempotencyKey: string;
  eventName: string;
  value: number;
  properties: Record<string, UsagePropertyValue>;
  timestampMs: number;
  receivedAtMs: number;
}

/** What one event contributes to one meter; aggregated per period by the store. */
export interface MeterValueRecord {
  customerId: string;
  idempotencyKey: string;
  meter: string;
  timestampMs: number;
  /** The number `sum` and `max` aggregate. */
  value: number;
  /** The text `unique` counts distinct values of; null when the event lacks the property. */
  uniqueValue: string | null;
}

export interface IngestResult {
  inserted: number;
  duplicates: number;
}

/** The customer's standing on one meter in its current period. */
export interface MeterQuota {
  meter: string;
  used: number;
  /** Included units this period; null when no active plan limits this meter. */
  limit: number | null;
  remaining: number | null;
  overage: "block" | "allow_overage" | null;
  periodStart: string;
  resetsAt: string;
}

export type UsageHealth = "ok" | "warning" | "critical" | "exceeded";

/** One row of a usage health bar. */
export interface MeterStatus {
  meter: string;
  name: string;
  consumed: number;
  /** Units the customer's plan includes this period; null when unlimited. */
  credited: number | null;
  remaining: number | null;
  percentUsed: number | null;
  status: UsageHealth;
  overage: "block" | "allow_overage" | null;
  periodStart: string;
  resetsAt: string;
}
