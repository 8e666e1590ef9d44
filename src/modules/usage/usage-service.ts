import type { UsageSettings } from "../../config/index.js";
import {
  BillhookError,
  type Clock,
  type FieldIssue,
  type StoreAccess,
  ValidationError,
} from "../../kernel/index.js";
import type { BillingStore } from "../billing/index.js";
import type { Catalog, Meter, UsageLimit } from "../catalog/index.js";
import type { DomainEventStores } from "../domain-events/index.js";
import type { EntitlementStore } from "../entitlements/index.js";
import type { SettingsReader, SettingsStore } from "../settings/index.js";
import { meterValuesOf } from "./meter-matching.js";
import { checkEvent, usageLimits } from "./usage-limits.js";
import { periodOf } from "./usage-periods.js";
import type { UsageStore } from "./usage-store.js";
import { UsageThresholdEvents } from "./usage-threshold-events.js";
import type {
  IngestResult,
  MeterQuota,
  MeterStatus,
  MeterValueRecord,
  UsageEventInput,
  UsageEventRecord,
  UsageHealth,
} from "./usage-types.js";

export interface UsageStores extends DomainEventStores {
  usage: UsageStore;
  billing: Pick<BillingStore, "listSubscriptionsOf">;
  entitlements: Pick<EntitlementStore, "findActive">;
}

export interface UsageOptions {
  access: StoreAccess<UsageStores>;
  clock: Clock;
  catalog: Catalog;
  settings: UsageSettings;
  /** Whether anyone listens to `usage.threshold`; when not, ingest skips the quota reads it needs. */
  thresholdEventsWanted?: () => Promise<boolean>;
  /** Runtime settings (thresholds); without it the configured thresholds apply. */
  runtime?: SettingsReader;
  /**
   * Whether each new event is also queued for the provider sync (same transaction as its insert); on
   * when the engine has a provider that takes usage.
   */
  queueSync?: boolean;
}

/**
 * Usage metering: events stored first (deduplicated by the caller's idempotency key), each event's
 * contribution to every matching meter computed once at ingest, and quotas read per period.
 */
export class Usage {
  readonly #access: StoreAccess<UsageStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #settings: UsageSettings;
  readonly #thresholdEventsWanted: () => Promise<boolean>;
  readonly #thresholdEvents: UsageThresholdEvents;
  /** Meters some plan limits: only their use can cross a threshold. */
  readonly #limitedMeters: Set<string>;
  readonly #runtime: SettingsReader | null;
  readonly #queueSync: boolean;

  constructor(options: UsageOptions) {
    this.#runtime = options.runtime ?? null;
    this.#access = options.access;
    this.#clock = options.clock;
    this.#catalog = options.catalog;
    this.#settings = options.settings;
    this.#thresholdEventsWanted = options.thresholdEventsWanted ?? (async () => false);
    this.#thresholdEvents = new UsageThresholdEvents();
    this.#limitedMeters = new Set(
      options.catalog.entries.flatMap((entry) => (entry.usageLimits ?? []).map((limit) => limit.meter)),
    );
    this.#queueSync = options.queueSync ?? false;
  }

  /**
   * Records a batch atomically: every event is validated first (issues name the index, e.g.
   * `events.3.timestamp`), then one transaction stores the new ones; repeated keys are counted as
   * duplicates and change nothing.
   *
   * @example
   * await billhook.usage.ingest([{ customerId: "u1", event: "api.request", idempotencyKey: "req_1" }]);
   * // { inserted: 1, duplicates: 0 }
   */
  async ingest(events: UsageEventInput[]): Promise<IngestResult> {
    const nowMs = this.#clock.now().getTime();
    if (events.length < 1 || events.length > usageLimits.batchEventsMax)
      throw new ValidationError("The usage batch is invalid.", [
        { path: "events", message: `must hold 1 to ${usageLimits.batchEventsMax} events` },
      ]);
    let issues: FieldIssue[] = [];
    for (let index = 0; index < events.length; index++) {
      const found = checkEvent(events[index]!, index, nowMs, this.#settings.timestampSkewMsMax);
      if (found.length > 0) issues = issues.concat(found);
    }
    if (issues.length > 0) throw new ValidationError("The usage batch is invalid.", issues);
    const unique = new Map<string, UsageEventRecord>();
    for (const event of events) {
      const key = `${event.customerId}\u0000${event.idempotencyKey}`;
      if (!unique.has(key)) unique.set(key, toRecord(event, nowMs));
    }
    // Key order: two batches sharing keys lock them in the same order on PostgreSQL, so never deadlock.
    const records = [...unique.values()].sort(byKey);
    const thresholdEvents = this.#limitedMeters.size > 0 && (await this.#thresholdEventsWanted());
    const inserted = await this.#access.transaction(async (stores) => {
      const keys = await stores.usage.insertEvents(records);
      const fresh =
        keys === "all"
          ? records
          : records.filter((record) => keys.has(`${record.customerId}\u0000${record.idempotencyKey}`));
      // Record first, send later: the outbox row commits (or not) with its event.
      if (this.#queueSync) await stores.usage.queueSync(fresh, nowMs);
      // Totals last: concurrent batches for the same customers update the same total rows, and on
      // PostgreSQL each holds those row locks until it commits, so they are taken as late as possible.
      const values: MeterValueRecord[] = [];
      for (const record of fresh) {
        const contributions = meterValuesOf(this.#catalog.meters, record);
        for (const value of contributions) values.push(value);
      }
      await stores.usage.insertMeterValues(values);
      if (thresholdEvents) await this.#recordThresholds(stores, values, nowMs);
      return fresh.length;
    });
    return { inserted, duplicates: events.length - inserted };
  }

  /** `usage.threshold` for each limited (customer, meter) the batch added to; see UsageThresholdEvents. */
  async #recordThresholds(
    stores: UsageStores,
    values: Array<{ customerId: string; meter: string }>,
    nowMs: number,
  ): Promise<void> {
    const touched = new Map<string, Set<string>>();
    for (const { customerId, meter } of values) {
      if (!this.#limitedMeters.has(meter)) continue;
      touched.set(customerId, (touched.get(customerId) ?? new Set()).add(meter));
    }
    if (touched.size === 0) return;
    const within = "settings" in stores ? (stores as unknown as { settings: SettingsStore }) : undefined;
    const thresholds = (await this.#runtime?.current(within))?.usageThresholds ?? this.#settings.thresholds;
    for (const [customerId, meters] of touched) {
      const planKeys = [
        ...new Set((await stores.entitlements.findActive(customerId, nowMs)).map((row) => row.catalogKey)),
      ];
      for (const meterKey of meters) {
        const quota = await this.#quotaOf(stores, customerId, this.#requireMeter(meterKey), planKeys, nowMs);
        await this.#thresholdEvents.record(stores, customerId, quota, thresholds, nowMs);
      }
    }
  }

  /**
   * The customer's use of one meter in its current period, against the largest limit among the plans
   * the customer holds now.
   *
   * @example
   * const { used, remaining, resetsAt } = await billhook.usage.quota("u1", "api_calls");
   */
  async quota(customerId: string, meterKey: string): Promise<MeterQuota> {
    const meter = this.#requireMeter(meterKey);
    const nowMs = this.#clock.now().getTime();
    return this.#access.read(async (stores) => {
      const planKeys = [
        ...new Set((await stores.entitlements.findActive(customerId, nowMs)).map((row) => row.catalogKey)),
      ];
      return this.#quotaOf(stores, customerId, meter, planKeys, nowMs);
    });
  }

  /**
   * Every meter's standing for a health bar: consumed, credited (included), remaining, percent used
   * and `ok | warning | critical | exceeded` at the configured thresholds.
   *
   * @example
   * const items = await billhook.usage.status("u1");
   */
  async status(customerId: string): Promise<MeterStatus[]> {
    const nowMs = this.#clock.now().getTime();
    const thresholds = (await this.#runtime?.current())?.usageThresholds ?? this.#settings.thresholds;
    return this.#access.read(async (stores) => {
      const planKeys = [
        ...new Set((await stores.entitlements.findActive(customerId, nowMs)).map((row) => row.catalogKey)),
      ];
      const items: MeterStatus[] = [];
      for (const meter of this.#catalog.meters) {
        const quota = await this.#quotaOf(stores, customerId, meter, planKeys, nowMs);
        items.push(this.#statusOf(meter, quota, thresholds));
      }
      return items;
    });
  }

  async #quotaOf(
    stores: UsageStores,
    customerId: string,
    meter: Meter,
    planKeys: string[],
    nowMs: number,
  ): Promise<MeterQuota> {
    const subscriptions =
      meter.reset === "subscription" ? await stores.billing.listSubscriptionsOf(customerId) : [];
    const period = periodOf(meter, nowMs, subscriptions, planKeys);
    const used = await stores.usage.aggregate(customerId, meter, period.startMs, period.endMs);
    const limit = this.#limitOf(meter.key, planKeys);
    return {
      meter: meter.key,
      used,
      limit: limit?.limit ?? null,
      remaining: limit ? Math.max(0, limit.limit - used) : null,
      overage: limit?.overage ?? null,
      periodStart: new Date(period.startMs).toISOString(),
      resetsAt: new Date(period.endMs).toISOString(),
    };
  }

  /** The most generous limit among the customer's plans: an upgrade never lowers a quota. */
  #limitOf(meterKey: string, planKeys: string[]): UsageLimit | null {
    const limits = planKeys
      .flatMap((key) => this.#catalog.find(key)?.usageLimits ?? [])
      .filter((limit) => limit.meter === meterKey)
      .sort((a, b) => b.limit - a.limit || (a.overage === "allow_overage" ? -1 : 1));
    return limits[0] ?? null;
  }

  #statusOf(meter: Meter, quota: MeterQuota, thresholds: UsageSettings["thresholds"]): MeterStatus {
    const percentUsed =
      quota.limit === null
        ? null
        : quota.limit === 0
          ? quota.used > 0
            ? 100
            : 0
          : Math.round((quota.used / quota.limit) * 10_000) / 100;
    let status: UsageHealth = "ok";
    if (percentUsed !== null) {
      if (percentUsed >= thresholds.exceededPercent) status = "exceeded";
      else if (percentUsed >= thresholds.criticalPercent) status = "critical";
      else if (percentUsed >= thresholds.warningPercent) status = "warning";
    }
    return {
      meter: meter.key,
      name: meter.name,
      consumed: quota.used,
      credited: quota.limit,
      remaining: quota.remaining,
      percentUsed,
      status,
      overage: quota.overage,
      periodStart: quota.periodStart,
      resetsAt: quota.resetsAt,
    };
  }

  #requireMeter(key: string): Meter {
    const meter = this.#catalog.findMeter(key);
    if (!meter)
      throw new BillhookError("UNKNOWN_METER", `The catalog declares no meter "${key}".`, { meter: key });
    return meter;
  }
}

/** By customer, then idempotency key: one total order every batch follows. */
function byKey(a: UsageEventRecord, b: UsageEventRecord): number {
  if (a.customerId !== b.customerId) return a.customerId < b.customerId ? -1 : 1;
  return a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0;
}

function toRecord(event: UsageEventInput, nowMs: number): UsageEventRecord {
  return {
    customerId: event.customerId,
    idempotencyKey: event.idempotencyKey,
    eventName: event.event,
    value: event.value ?? 1,
    properties: event.properties ?? {},
    timestampMs: event.timestamp === undefined ? nowMs : Date.parse(event.timestamp),
    receivedAtMs: nowMs,
  };
}
