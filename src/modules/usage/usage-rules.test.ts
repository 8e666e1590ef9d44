import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { Catalog } from "../catalog/index.js";
import { meterValuesOf } from "./meter-matching.js";
import { checkEvent } from "./usage-limits.js";
import { calendarMonth, periodOf } from "./usage-periods.js";
import type { UsageEventRecord } from "./usage-types.js";

const catalog = new Catalog(
  resolveConfig(
    {},
    {
      catalog: {
        meters: {
          api_calls: { event: "api.request", filter: { method: "POST" } },
          tokens: { event: "llm.completion", aggregation: "sum", property: "tokens" },
          peak_seats: { event: "seats.changed", aggregation: "max", property: "value" },
          active_users: { event: "api.request", aggregation: "unique", property: "userId" },
        },
      },
    },
  ).catalog,
);

function event(eventName: string, properties: UsageEventRecord["properties"], value = 1): UsageEventRecord {
  return {
    customerId: "c1",
    idempotencyKey: "k1",
    eventName,
    value,
    properties,
    timestampMs: 0,
    receivedAtMs: 0,
  };
}

describe("meters", () => {
  it("count events whose name and filter properties match", () => {
    const values = meterValuesOf(catalog.meters, event("api.request", { method: "POST", userId: "u7" }));
    expect(values.map((value) => [value.meter, value.value, value.uniqueValue])).toEqual([
      ["api_calls", 1, null],
      ["active_users", 0, "u7"],
    ]);
    expect(meterValuesOf(catalog.meters, event("api.request", { method: "GET" }))).toEqual([]);
  });

  it("sum and max read their property, `value` falling back to the event's value", () => {
    expect(meterValuesOf(catalog.meters, event("llm.completion", { tokens: 420 }))[0]?.value).toBe(420);
    expect(meterValuesOf(catalog.meters, event("llm.completion", {}))).toEqual([]);
    expect(meterValuesOf(catalog.meters, event("seats.changed", {}, 12))[0]?.value).toBe(12);
  });
});

describe("meter config", () => {
  const refused = (catalogConfig: unknown) => () => resolveConfig({}, { catalog: catalogConfig });
  it("names the field of a bad meter, feature or limit", () => {
    expect(refused({ meters: { tokens: { event: "x", aggregation: "sum" } } })).toThrow(
      /catalog\.meters\.tokens\.property: a "sum", "max" or "unique" meter names its property/,
    );
    expect(refused({ features: { api: { type: "metered" } } })).toThrow(/features\.api\.meter/);
    expect(refused({ features: { api: { type: "metered", meter: "nope" } } })).toThrow(
      /unknown meter "nope"/,
    );
    expect(
      refused({
        plans: {
          pro: {
            name: "Pro",
            price: { amountMinor: 1, currency: "USD" },
            interval: "month",
            limits: { nope: { limit: 5 } },
          },
        },
      }),
    ).toThrow(/plans\.pro\.limits\.nope: unknown meter/);
    expect(() => resolveConfig({}, { settings: { usageThresholds: { warningPercent: 99 } } })).toThrow(
      /thresholds must not decrease/,
    );
  });
});

describe("periods", () => {
  const nowMs = Date.parse("2026-03-15T10:00:00Z");
  it("are calendar months in UTC by default", () => {
    expect(calendarMonth(nowMs)).toEqual({
      startMs: Date.parse("2026-03-01T00:00:00Z"),
      endMs: Date.parse("2026-04-01T00:00:00Z"),
    });
  });

  it("follow the live subscription's period, rolled forward when its end has passed", () => {
    const subscription = {
      catalogKey: "pro",
      status: "active",
      currentPeriodStartMs: Date.parse("2026-01-20T00:00:00Z"),
      currentPeriodEndMs: Date.parse("2026-02-20T00:00:00Z"),
    };
    expect(periodOf({ reset: "subscription" }, nowMs, [subscription], ["pro"])).toEqual({
      startMs: Date.parse("2026-02-20T00:00:00Z"),
      endMs: Date.parse("2026-03-20T00:00:00Z"),
    });
    expect(periodOf({ reset: "subscription" }, nowMs, [subscription], ["team"])).toEqual(
      calendarMonth(nowMs),
    );
  });
});

describe("event validation", () => {
  it("names the index and field of every issue", () => {
    const nowMs = Date.parse("2026-03-15T10:00:00Z");
    expect(
      checkEvent(
        { customerId: "", event: "e", idempotencyKey: "k", timestamp: "2026-03-15T11:00:00Z" },
        3,
        nowMs,
        300_000,
      ).map((issue) => issue.path),
    ).toEqual(["events.3.customerId", "events.3.timestamp"]);
    expect(
      checkEvent({ customerId: "c", event: "e", idempotencyKey: "k", value: Number.NaN }, 0, nowMs, 0),
    ).toHaveLength(1);
  });
});
