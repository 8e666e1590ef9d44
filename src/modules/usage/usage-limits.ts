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
  // Runs once per ingested event: no closures or entry arrays, and issues only built when found.
  const issues: FieldIssue[] = [];
  if (!textWithin(event.customerId, usageLimits.customerIdLengthMax))
    issues.push(issueAt(index, "customerId", `must be 1 to ${usageLimits.customerIdLengthMax} characters`));
  if (!textWithin(event.event, usageLimits.eventNameLengthMax))
    issues.push(issueAt(index, "event", `must be 1 to ${usageLimits.eventNameLengthMax} characters`));
  if (!textWithin(event.idempotencyKey, usageLimits.idempotencyKeyLengthMax))
    issues.push(
      issueAt(index, "idempotencyKey", `must be 1 to ${usageLimits.idempotencyKeyLengthMax} characters`),
    );
  if (
    event.value !== undefined &&
    !(Number.isFinite(event.value) && Math.abs(event.value) <= usageLimits.valueAbsMax)
  )
    issues.push(issueAt(index, "value", `must be a finite number within ±${usageLimits.valueAbsMax}`));
  if (event.timestamp !== undefined) {
    const timestampMs = Date.parse(event.timestamp);
    if (Number.isNaN(timestampMs)) issues.push(issueAt(index, "timestamp", "must be an ISO 8601 date-time"));
    else if (timestampMs > nowMs + timestampSkewMsMax)
      issues.push(
        issueAt(index, "timestamp", `must not be more than ${timestampSkewMsMax / 1000} s in the future`),
      );
  }
  const properties = event.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length > usageLimits.propertiesMax)
    issues.push(issueAt(index, "properties", `must have at most ${usageLimits.propertiesMax} keys`));
  for (const key of keys) {
    if (key.length > usageLimits.propertyKeyLengthMax)
      issues.push(issueAt(index, `properties.${key}`, "key is too long"));
    const value = (properties as Record<string, unknown>)[key];
    if (typeof value === "string" && value.length > usageLimits.propertyValueLengthMax)
      issues.push(
        issueAt(
          index,
          `properties.${key}`,
          `must be at most ${usageLimits.propertyValueLengthMax} characters`,
        ),
      );
  }
  return issues;
}

function textWithin(value: unknown, lengthMax: number): boolean {
  return typeof value === "string" && value.length >= 1 && value.length <= lengthMax;
}

function issueAt(index: number, field: string, message: string): FieldIssue {
  return { path: `events.${index}.${field}`, message };
}
