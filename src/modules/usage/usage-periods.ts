import type { Meter } from "../catalog/index.js";

export interface UsagePeriod {
  startMs: number;
  endMs: number;
}

/** A subscription period as the billing module records it. */
export interface PeriodSource {
  catalogKey: string;
  status: string;
  currentPeriodStartMs: number;
  currentPeriodEndMs: number | null;
}

/**
 * The calendar month (UTC) containing `nowMs`.
 *
 * @example
 * calendarMonth(Date.parse("2026-03-15T10:00:00Z")); // { startMs: 2026-03-01, endMs: 2026-04-01 }
 */
export function calendarMonth(nowMs: number): UsagePeriod {
  const now = new Date(nowMs);
  return {
    startMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
    endMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
  };
}

/**
 * The period a meter counts in at `nowMs`: the calendar month, or for `reset: "subscription"` the
 * current period of the customer's live subscription to one of `planKeys` (rolled forward month by
 * month if its end has passed without news from the provider), falling back to the calendar month.
 *
 * @example
 * periodOf(meter, Date.now(), subscriptions, ["pro"]);
 */
export function periodOf(
  meter: Pick<Meter, "reset">,
  nowMs: number,
  subscriptions: readonly PeriodSource[],
  planKeys: readonly string[],
): UsagePeriod {
  if (meter.reset === "month") return calendarMonth(nowMs);
  const live = subscriptions
    .filter((subscription) => planKeys.includes(subscription.catalogKey))
    .filter((subscription) => ["active", "trialing", "past_due"].includes(subscription.status))
    .filter((subscription) => subscription.currentPeriodStartMs <= nowMs)
    .sort((a, b) => b.currentPeriodStartMs - a.currentPeriodStartMs)[0];
  if (!live) return calendarMonth(nowMs);
  let startMs = live.currentPeriodStartMs;
  let endMs = live.currentPeriodEndMs ?? addMonth(startMs);
  while (endMs <= nowMs) {
    startMs = endMs;
    endMs = addMonth(endMs);
  }
  return { startMs, endMs };
}

function addMonth(epochMs: number): number {
  const date = new Date(epochMs);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.getTime();
}
