import { z } from "zod";

/** The usage part of the catalog schema: meters and per-plan limits (see docs/usage.md). */
/** A property value a meter filter compares to (equality). */
const propertyValue = z.union([z.string().max(500), z.number(), z.boolean()]);
/**
 * A meter: which events it counts (`event` name, plus properties that must equal `filter`), how
 * (`count`, or `sum` / `max` / `unique` over `property`) and when it starts again (`reset`).
 */
export const meterSchema = z
  .object({
    name: z.string().max(200).optional(),
    event: z.string().min(1).max(100),
    filter: z.record(z.string().min(1).max(100), propertyValue).default({}),
    aggregation: z.enum(["count", "sum", "max", "unique"]).default("count"),
    /** The property aggregated; `value` falls back to the event's own `value`. */
    property: z.string().min(1).max(100).optional(),
    /** `month`: the calendar month (UTC); `subscription`: the customer's current billing period. */
    reset: z.enum(["month", "subscription"]).default("month"),
  })
  .strict()
  .refine((meter) => (meter.aggregation === "count") === (meter.property === undefined), {
    message: 'a "sum", "max" or "unique" meter names its property, and a "count" meter does not',
    path: ["property"],
  });
export const usageLimit = z
  .object({
    /** Units of the meter included each period. */
    limit: z.number().min(0).max(1e15),
    /** `block`: `check` refuses past the limit (402 QUOTA_EXCEEDED); `allow_overage`: billed beyond it. */
    overage: z.enum(["block", "allow_overage"]).default("block"),
  })
  .strict();

/**
 * A request-rate window of a feature: at most `limit` allowed `check`s per customer per `window`
 * (`second`, `minute`, `hour`, `day`, or a number of seconds), e.g. `{ limit: 60, window: "minute" }`.
 */
export const rateLimitSchema = z
  .object({
    limit: z.number().int().min(1).max(1_000_000_000),
    window: z.union([
      z.enum(["second", "minute", "hour", "day"]),
      z
        .number()
        .int()
        .min(1)
        .max(31 * 86_400),
    ]),
  })
  .strict();

/** Every meter named by a metered feature or a plan limit must be declared under `meters`. */
export function checkMeters(
  catalog: {
    meters: Record<string, unknown>;
    features: Record<string, { meter?: string | undefined }>;
    plans: Record<string, { limits: Record<string, unknown> }>;
  },
  context: z.RefinementCtx,
): void {
  const check = (meter: string | undefined, path: Array<string | number>) => {
    if (meter !== undefined && !(meter in catalog.meters))
      context.addIssue({
        code: "custom",
        path,
        message: `unknown meter "${meter}"; declare it under catalog.meters`,
      });
  };
  for (const [key, feature] of Object.entries(catalog.features))
    check(feature.meter, ["features", key, "meter"]);
  for (const [key, plan] of Object.entries(catalog.plans))
    for (const meter of Object.keys(plan.limits)) check(meter, ["plans", key, "limits", meter]);
}
