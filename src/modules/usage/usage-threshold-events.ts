import type { UsageSettings } from "../../config/index.js";
import { type DomainEventStores, recordDomainEvent } from "../domain-events/index.js";
import type { MeterQuota } from "./usage-types.js";

const levels = ["warning", "critical", "exceeded"] as const;
const recordedMemoMax = 10_000;

/**
 * Records `usage.threshold` once per customer, meter, period and level (warning, critical, exceeded).
 * Level-based rather than edge-based: after a batch, every level the period's use has reached is
 * recorded under an id naming the period, so concurrent batches that each saw only part of the use
 * cannot miss a level, and none is recorded twice. A small in-process memo skips levels already
 * recorded, so a customer sitting above a level costs no write per batch.
 */
export class UsageThresholdEvents {
  readonly #recorded = new Set<string>();

  async record(
    stores: DomainEventStores,
    customerId: string,
    quota: MeterQuota,
    thresholds: UsageSettings["thresholds"],
    nowMs: number,
  ): Promise<void> {
    if (quota.limit === null) return;
    const percentUsed = quota.limit === 0 ? (quota.used > 0 ? 100 : 0) : (quota.used / quota.limit) * 100;
    for (const level of levels) {
      const thresholdPercent = thresholds[`${level}Percent`];
      if (percentUsed < thresholdPercent) continue;
      const id = `evt_usage_${level}:${quota.meter}:${Date.parse(quota.periodStart)}:${customerId}`;
      if (this.#recorded.has(id)) continue;
      await recordDomainEvent(stores, {
        id,
        type: "usage.threshold",
        data: {
          customerId,
          meter: quota.meter,
          threshold: level,
          thresholdPercent,
          used: quota.used,
          limit: quota.limit,
          periodStart: quota.periodStart,
          resetsAt: quota.resetsAt,
        },
        occurredAtMs: nowMs,
      });
      if (this.#recorded.size >= recordedMemoMax) this.#recorded.clear();
      this.#recorded.add(id);
    }
  }
}
