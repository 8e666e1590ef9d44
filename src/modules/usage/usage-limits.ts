import type { FieldIssue } from "../../kernel/index.js";
import type { UsageEventInput } from "./usage-types.js";

/** Named limits on everything the usage API accepts. */
export const usageLimits = {
  batchEventsMax: 1_000,
  customerIdLengthMax: 200,
  eventNameLengthMax: 100,
  idempotencyKeyLengthMax: 128,
  propertiesMax: 50,
  propertyKeyLengthMax: 100,
  propertyValueLengthMax: 500,
  valueAbsMax: 1e15,
} as const;

/**
 * Issues of one event, each path prefixed with its index in the batch (`events.3.timestamp`).
 *
 * @example
 * checkEvent({ customerId: "u1", event: "api.request", idempotencyKey: "r1" }, 0, nowMs, 300_000); // []
 */
export function checkEvent(
  event: UsageEventInput,
  index: number,
  nowMs: number,
  timestampSkewMsMax: number,
): FieldIssue[] {
  const at = (field: string, message: string) => ({ path: `events.${index}.${field}`, message });
  const issues: FieldIssue[] = [];
  const text = (field: "customerId" | "event" | "idempotencyKey", lengthMax: number) => {
    const value = event[field];
    if (typeof value !== "string" || value.length < 1 || value.length > lengthMax)
      issues.push(at(field, `must be 1 to ${lengthMax} characters`));
  };
  text("customerId", usageLimits.customerIdLengthMax);
  text("event", usageLimits.eventNameLengthMax);
  text("idempotencyKey", usageLimits.idempotencyKeyLengthMax);
  if (
    event.value !== undefined &&
    !(Number.isFinite(event.value) && Math.abs(event.value) <= usageLimits.valueAbsMax)
  )
    issues.push(at("value", `must be a finite number within ±${usageLimits.valueAbsMax}`));
  if (event.timestamp !== undefined) {
    const timestampMs = Date.parse(event.timestamp);
    if (Number.isNaN(timestampMs)) issues.push(at("timestamp", "must be an ISO 8601 date-time"));
    else if (timestampMs > nowMs + timestampSkewMsMax)
      issues.push(at("timestamp", `must not be more than ${timestampSkewMsMax / 1000} s in the future`));
  }
  const entries = Object.entries(event.properties ?? {});
  if (entries.length > usageLimits.propertiesMax)
    issues.push(at("properties", `must have at most ${usageLimits.propertiesMax} keys`));
  for (const [key, value] of entries) {
    if (key.length > usageLimits.propertyKeyLengthMax)
      issues.push(at(`properties.${key}`, "key is too long"));
    if (typeof value === "string" && value.length > usageLimits.propertyValueLengthMax)
      issues.push(
        at(`properties.${key}`, `must be at most ${usageLimits.propertyValueLengthMax} characters`),
      );
  }
  return issues;
}
