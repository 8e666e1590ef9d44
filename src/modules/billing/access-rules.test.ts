import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../catalog/index.js";
import type { EntitlementRow } from "../entitlements/index.js";
import type { OrderStatus, SubscriptionStatus } from "../provider/index.js";
import { orderEntitlements, subscriptionAccessUntil, subscriptionEntitlements } from "./access-rules.js";
import type { OrderRecord, SubscriptionRecord } from "./billing-types.js";

const dayMs = 24 * 60 * 60 * 1000;
const periodEndMs = Date.UTC(2026, 5, 1);
const failedAtMs = Date.UTC(2026, 4, 20);
const modifiedAtMs = Date.UTC(2026, 4, 21);
const graceMs = 3 * dayMs;

function subscription(overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    providerSubscriptionId: "sub_1",
    provider: "polar",
    customerId: "user_1",
    catalogKey: "pro",
    status: "active",
    cancelAtPeriodEnd: false,
    currentPeriodStartMs: Date.UTC(2026, 4, 1),
    currentPeriodEndMs: periodEndMs,
    pastDueAtMs: null,
    endedAtMs: null,
    providerModifiedAtMs: modifiedAtMs,
    ...overrides,
  };
}

function order(status: OrderStatus): OrderRecord {
  return {
    providerOrderId: "ord_1",
    provider: "polar",
    customerId: "user_1",
    catalogKey: "reports_pack",
    providerSubscriptionId: null,
    status,
    billingReason: "purchase",
    currency: "USD",
    netMinor: 900,
    taxMinor: 0,
    totalMinor: 900,
    providerFeeMinor: 0,
    refundedMinor: 0,
    refundedTaxMinor: 0,
    providerModifiedAtMs: modifiedAtMs,
  };
}

function entry(kind: CatalogEntry["kind"], key: string, features: string[]): CatalogEntry {
  return {
    key,
    kind,
    name: key,
    description: null,
    price:
      kind === "tip"
        ? { type: "custom", currency: "USD", minimumMinor: 100, maximumMinor: null, presetMinor: null }
        : { type: "fixed", amountMinor: 900, currency: "USD" },
    interval: kind === "plan" ? "month" : null,
    trialDays: null,
    features,
  };
}

const pro = entry("plan", "pro", ["reports", "exports"]);
const reportsPack = entry("one_time", "reports_pack", ["reports"]);

describe("subscriptionAccessUntil: access follows the whole subscription state", () => {
  it.each<{
    rule: string;
    subscription: SubscriptionRecord;
    grace?: number;
    access: { entitled: boolean; untilMs: number | null };
  }>([
    {
      rule: "active: entitled until a provider event says otherwise",
      subscription: subscription(),
      access: { entitled: true, untilMs: null },
    },
    {
      rule: "trialing: entitled like active",
      subscription: subscription({ status: "trialing" }),
      access: { entitled: true, untilMs: null },
    },
    {
      rule: "active, canceling at period end: entitled until that end",
      subscription: subscription({ cancelAtPeriodEnd: true }),
      access: { entitled: true, untilMs: periodEndMs },
    },
    {
      rule: "trialing, canceling at period end: entitled until that end",
      subscription: subscription({ status: "trialing", cancelAtPeriodEnd: true }),
      access: { entitled: true, untilMs: periodEndMs },
    },
    {
      rule: "canceling with no known period end: open-ended until the cancellation arrives",
      subscription: subscription({ cancelAtPeriodEnd: true, currentPeriodEndMs: null }),
      access: { entitled: true, untilMs: null },
    },
    {
      rule: "past_due: entitled for the grace period after the first failed payment",
      subscription: subscription({ status: "past_due", pastDueAtMs: failedAtMs }),
      access: { entitled: true, untilMs: failedAtMs + graceMs },
    },
    {
      rule: "past_due with no failure time: the grace period counts from the provider's last change",
      subscription: subscription({ status: "past_due" }),
      access: { entitled: true, untilMs: modifiedAtMs + graceMs },
    },
    {
      rule: "past_due without a grace period: not entitled, lapsed at the failure",
      subscription: subscription({ status: "past_due", pastDueAtMs: failedAtMs }),
      grace: 0,
      access: { entitled: false, untilMs: failedAtMs },
    },
    {
      rule: "past_due with a negative grace period: treated as none",
      subscription: subscription({ status: "past_due", pastDueAtMs: failedAtMs }),
      grace: -dayMs,
      access: { entitled: false, untilMs: failedAtMs },
    },
    ...(["canceled", "unpaid", "paused", "incomplete", "incomplete_expired"] as const).map((status) => ({
      rule: `${status}: not entitled`,
      subscription: subscription({ status, cancelAtPeriodEnd: status === "canceled" }),
      access: { entitled: false, untilMs: null },
    })),
  ])("$rule", ({ subscription: record, grace, access }) => {
    expect(subscriptionAccessUntil(record, grace ?? graceMs)).toEqual(access);
  });
});

/** The rows a subscription grants, one per feature of its plan. */
const subscriptionRows = (activeUntilMs: number | null, lapseCode: "PAYMENT_REQUIRED" | null) =>
  pro.features.map(
    (featureKey): EntitlementRow => ({
      customerId: "user_1",
      featureKey,
      sourceKind: "subscription",
      sourceId: "sub_1",
      catalogKey: "pro",
      activeUntilMs,
      lapseCode,
    }),
  );

describe("subscriptionEntitlements: the rows a subscription grants", () => {
  it.each<{
    rule: string;
    subscription: SubscriptionRecord;
    entry?: CatalogEntry;
    grace?: number;
    rows: EntitlementRow[];
  }>([
    {
      rule: "active: every feature of the plan, open-ended",
      subscription: subscription(),
      entry: pro,
      rows: subscriptionRows(null, null),
    },
    {
      rule: "canceling at period end: every feature, until that end",
      subscription: subscription({ cancelAtPeriodEnd: true }),
      entry: pro,
      rows: subscriptionRows(periodEndMs, null),
    },
    {
      rule: "past_due within grace: every feature until the grace ends, marked PAYMENT_REQUIRED",
      subscription: subscription({ status: "past_due", pastDueAtMs: failedAtMs }),
      entry: pro,
      rows: subscriptionRows(failedAtMs + graceMs, "PAYMENT_REQUIRED"),
    },
    {
      rule: "past_due without grace: kept as lapsed rows, so `check` can say paying restores access",
      subscription: subscription({ status: "past_due", pastDueAtMs: failedAtMs }),
      entry: pro,
      grace: 0,
      rows: subscriptionRows(failedAtMs, "PAYMENT_REQUIRED"),
    },
    {
      rule: "canceled: nothing",
      subscription: subscription({ status: "canceled" }),
      entry: pro,
      rows: [],
    },
    {
      rule: "unpaid: nothing (not even a lapsed row)",
      subscription: subscription({ status: "unpaid" }),
      entry: pro,
      rows: [],
    },
    { rule: "a product not in the catalog: nothing", subscription: subscription(), rows: [] },
    {
      rule: "a plan with no features: nothing",
      subscription: subscription(),
      entry: entry("plan", "pro", []),
      rows: [],
    },
  ])("$rule", ({ subscription: record, entry: catalogEntry, grace, rows }) => {
    expect(subscriptionEntitlements(record, catalogEntry, grace ?? graceMs)).toEqual(rows);
  });
});

describe("orderEntitlements: a one-time unlock grants its features for good, until fully refunded", () => {
  const unlocked: EntitlementRow[] = [
    {
      customerId: "user_1",
      featureKey: "reports",
      sourceKind: "order",
      sourceId: "ord_1",
      catalogKey: "reports_pack",
      activeUntilMs: null,
      lapseCode: null,
    },
  ];
  it.each<{ rule: string; status: OrderStatus; entry?: CatalogEntry; rows: EntitlementRow[] }>([
    { rule: "paid: its features, for good", status: "paid", entry: reportsPack, rows: unlocked },
    {
      rule: "partially refunded: still unlocked",
      status: "partially_refunded",
      entry: reportsPack,
      rows: unlocked,
    },
    { rule: "fully refunded: nothing", status: "refunded", entry: reportsPack, rows: [] },
    { rule: "pending: nothing yet", status: "pending", entry: reportsPack, rows: [] },
    { rule: "draft: nothing yet", status: "draft", entry: reportsPack, rows: [] },
    { rule: "void: nothing", status: "void", entry: reportsPack, rows: [] },
    { rule: "a plan's invoice: nothing (its subscription grants)", status: "paid", entry: pro, rows: [] },
    { rule: "a tip: nothing", status: "paid", entry: entry("tip", "tip", ["thanks"]), rows: [] },
    { rule: "a product not in the catalog: nothing", status: "paid", rows: [] },
  ])("$rule", ({ status, entry: catalogEntry, rows }) => {
    expect(orderEntitlements(order(status), catalogEntry)).toEqual(rows);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties

const subscriptionStatuses: SubscriptionStatus[] = [
  "incomplete",
  "trialing",
  "active",
  "past_due",
  "paused",
  "unpaid",
  "incomplete_expired",
  "canceled",
];

const subscriptionArbitrary = fc
  .record({
    status: fc.constantFrom(...subscriptionStatuses),
    cancelAtPeriodEnd: fc.boolean(),
    currentPeriodEndMs: fc.option(fc.integer({ min: modifiedAtMs, max: modifiedAtMs + 400 * dayMs }), {
      nil: null,
    }),
    pastDueAtMs: fc.option(fc.integer({ min: modifiedAtMs - 60 * dayMs, max: modifiedAtMs }), { nil: null }),
  })
  .map((fields) => subscription(fields));

describe("access rules: properties", () => {
  it("only trialing, active and past_due within a grace period are ever entitled", () => {
    fc.assert(
      fc.property(subscriptionArbitrary, fc.integer({ min: -dayMs, max: 30 * dayMs }), (record, grace) => {
        const { entitled } = subscriptionAccessUntil(record, grace);
        const expected =
          record.status === "trialing" ||
          record.status === "active" ||
          (record.status === "past_due" && grace > 0);
        expect(entitled).toBe(expected);
      }),
    );
  });

  it("a subscription grants all of its plan's features or none, all with the same end and lapse", () => {
    fc.assert(
      fc.property(subscriptionArbitrary, fc.nat(30 * dayMs), (record, grace) => {
        const rows = subscriptionEntitlements(record, pro, grace);
        expect([0, pro.features.length]).toContain(rows.length);
        expect(rows.map((row) => row.featureKey)).toEqual(rows.length > 0 ? pro.features : []);
        const { untilMs } = subscriptionAccessUntil(record, grace);
        for (const row of rows) {
          expect(row.activeUntilMs).toBe(untilMs);
          expect(row.lapseCode).toBe(record.status === "past_due" ? "PAYMENT_REQUIRED" : null);
        }
      }),
    );
  });

  it("a longer grace period never ends access sooner", () => {
    fc.assert(
      fc.property(subscriptionArbitrary, fc.nat(30 * dayMs), fc.nat(30 * dayMs), (record, a, b) => {
        const [shorter, longer] = a <= b ? [a, b] : [b, a];
        const before = subscriptionAccessUntil(record, shorter);
        const after = subscriptionAccessUntil(record, longer);
        if (before.entitled) expect(after.entitled).toBe(true);
        if (before.untilMs !== null && after.untilMs !== null) {
          expect(after.untilMs).toBeGreaterThanOrEqual(before.untilMs);
        }
      }),
    );
  });
});
