import { BillhookError, type Clock, type StoreAccess } from "../../kernel/index.js";
import type { Catalog } from "../catalog/index.js";
import type { EntitlementRow, EntitlementStore } from "./entitlement-store.js";

export interface EntitlementStores {
  entitlements: EntitlementStore;
}

export interface CheckResult {
  allowed: boolean;
  /**
   * `ALLOWED`, or why not: `PAYMENT_REQUIRED` (a subscription that grants it is past due: paying
   * restores access) or `SUBSCRIPTION_REQUIRED` (nothing grants it).
   */
  code: "ALLOWED" | "PAYMENT_REQUIRED" | "SUBSCRIPTION_REQUIRED";
  feature: string;
  customerId: string;
  /** What grants the access, when allowed. */
  grantedBy: { catalogKey: string; sourceKind: string; sourceId: string } | null;
  /** When the access ends, if the provider has already said so (e.g. canceled at period end). */
  activeUntil: string | null;
  /** The cheapest catalog entry that would grant the feature, when denied. */
  upgradeProduct: string | null;
  upgradeUrl: string | null;
}

/** `check` of a credit-backed feature: allowed while the available balance covers the units. */
export interface CreditCheckResult extends Omit<CheckResult, "code"> {
  code: "ALLOWED" | "INSUFFICIENT_CREDITS";
  /** The available balance `units` was compared to. */
  balance: number;
  units: number;
}

/** `check` of a metered feature: allowed while the period's use plus `units` stays within the limit. */
export interface QuotaCheckResult extends Omit<CheckResult, "code"> {
  code: "ALLOWED" | "QUOTA_EXCEEDED";
  units: number;
  used: number;
  /** Included units this period; null when no plan the customer holds limits the meter. */
  limit: number | null;
  remaining: number | null;
  /** When the period ends and the meter starts again from zero. */
  resetsAt: string;
  overage: "block" | "allow_overage" | null;
}

/** Reads a customer's use of one meter in its current period (the usage module, wired by the engine). */
export type MeterQuotaReader = (
  customerId: string,
  meter: string,
) => Promise<{
  used: number;
  limit: number | null;
  remaining: number | null;
  resetsAt: string;
  overage: "block" | "allow_overage" | null;
}>;

/** What a rate-limited feature's `check` adds: the counted request's standing (the rate-limits module). */
export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  windowSeconds: number;
  resetSeconds: number;
  retryAfterSeconds: number | null;
  policy: Array<{ limit: number; windowSeconds: number }>;
}

/** Counts one allowed request against the feature's rate limits; null when it has none. */
export type RateLimitGate = (customerId: string, feature: string) => Promise<RateLimitOutcome | null>;

/** Any `check` answer that would have allowed, refused because the feature's request rate is used up. */
export type RateLimitedCheckResult = (
  | Omit<CheckResult, "code" | "allowed">
  | Omit<CreditCheckResult, "code" | "allowed">
  | Omit<QuotaCheckResult, "code" | "allowed">
) & {
  allowed: false;
  code: "RATE_LIMITED";
  /** Whole seconds until the next request fits. */
  retryAfterSeconds: number;
  rateLimit: RateLimitOutcome;
};

/** Reads a customer's available credits of one type (the credits module, wired by the engine). */
export type CreditBalanceReader = (customerId: string, creditType: string) => Promise<number>;

/** Kept reads at most; past it the memory starts over (a bound, not a policy: misses only cost a read). */
const keptReadsMax = 10_000;

/**
 * Answers "may this customer use this feature?" from the entitlement projection: at most one
 * indexed read, none while the storage's change stamp says the rows read last are still current; no
 * scan of events and no call to the provider. Credit balances and meter use are read every time.
 */
export interface EntitlementsOptions {
  access: StoreAccess<EntitlementStores>;
  clock: Clock;
  catalog: Catalog;
  /** `{feature}` is replaced by the denied feature's key; null: answers carry no upgrade URL. */
  upgradeUrlTemplate?: string | null;
  /** Answers credit features; without it they are never allowed. */
  creditBalance?: CreditBalanceReader | null;
  /** Answers metered features' quotas; without it they are never limited. */
  meterQuota?: MeterQuotaReader | null;
  /** Counts and limits request rates; without it features have no rate limits. */
  rateLimit?: RateLimitGate | null;
}

export class Entitlements {
  readonly #access: StoreAccess<EntitlementStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #upgradeUrlTemplate: string | null;
  readonly #creditBalance: CreditBalanceReader | null;
  readonly #meterQuota: MeterQuotaReader | null;
  readonly #rateLimit: RateLimitGate | null;
  /** Reads kept in memory, by customer and feature, with the change stamp they were read at. */
  readonly #kept = new Map<string, { stamp: string; rows: EntitlementRow[] }>();

  constructor(options: EntitlementsOptions) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#catalog = options.catalog;
    this.#upgradeUrlTemplate = options.upgradeUrlTemplate ?? null;
    this.#creditBalance = options.creditBalance ?? null;
    this.#meterQuota = options.meterQuota ?? null;
    this.#rateLimit = options.rateLimit ?? null;
  }

  /**
   * @example
   * const { allowed } = await billhook.entitlements.check({ customerId: "user_1", feature: "export" });
   */
  async check(input: { customerId: string; feature: string }): Promise<CheckResult> {
    this.#requireFeature(input.feature);
    const rows =
      this.#keptRows(input.customerId, input.feature) ??
      (await this.#readRows(input.customerId, input.feature));
    const nowMs = this.#clock.now().getTime();
    const best = strongestActive(rows, nowMs);
    if (best) {
      return {
        allowed: true,
        code: "ALLOWED",
        feature: input.feature,
        customerId: input.customerId,
        grantedBy: { catalogKey: best.catalogKey, sourceKind: best.sourceKind, sourceId: best.sourceId },
        activeUntil: best.activeUntilMs === null ? null : new Date(best.activeUntilMs).toISOString(),
        upgradeProduct: null,
        upgradeUrl: null,
      };
    }
    const lapsed = rows.find((row) => row.lapseCode !== null);
    if (lapsed) {
      return {
        allowed: false,
        code: "PAYMENT_REQUIRED",
        feature: input.feature,
        customerId: input.customerId,
        grantedBy: {
          catalogKey: lapsed.catalogKey,
          sourceKind: lapsed.sourceKind,
          sourceId: lapsed.sourceId,
        },
        activeUntil: null,
        upgradeProduct: null,
        upgradeUrl: null,
      };
    }
    const upgrade = this.#catalog.cheapestGrantOf(input.feature)?.key ?? null;
    return {
      allowed: false,
      code: "SUBSCRIPTION_REQUIRED",
      feature: input.feature,
      customerId: input.customerId,
      grantedBy: null,
      activeUntil: null,
      upgradeProduct: upgrade,
      upgradeUrl: this.#upgradeUrl(input.feature, upgrade),
    };
  }

  /**
   * `check` that understands credit-backed features: for those, `units` (default 1) is compared to
   * the available balance; any other feature is checked as `check` does.
   *
   * @example
   * const { allowed, balance } = await billhook.entitlements.checkUnits({ customerId: "u1", feature: "generate", units: 4 });
   */
  async checkUnits(input: {
    customerId: string;
    feature: string;
    units?: number;
  }): Promise<
    | CheckResult
    | CreditCheckResult
    | QuotaCheckResult
    | ((CheckResult | CreditCheckResult | QuotaCheckResult) & { rateLimit: RateLimitOutcome })
    | RateLimitedCheckResult
  > {
    const result = await this.#checkUnitsWithoutRate(input);
    // Only an answer that would allow counts against the rate: a refused check costs the caller nothing.
    if (!result.allowed || !this.#rateLimit) return result;
    const rateLimit = await this.#rateLimit(input.customerId, input.feature);
    if (!rateLimit) return result;
    if (rateLimit.allowed) return { ...result, rateLimit };
    return {
      ...result,
      allowed: false,
      code: "RATE_LIMITED",
      retryAfterSeconds: rateLimit.retryAfterSeconds ?? 1,
      rateLimit,
    };
  }

  /** Not async itself: a plain feature's `check` answered from memory then costs no extra turn. */
  #checkUnitsWithoutRate(input: {
    customerId: string;
    feature: string;
    units?: number;
  }): Promise<CheckResult | CreditCheckResult | QuotaCheckResult> {
    const feature = this.#requireFeature(input.feature);
    if (feature.meter && this.#meterQuota) return this.#checkQuota(input, feature.meter, this.#meterQuota);
    if (!feature.creditType || !this.#creditBalance) return this.check(input);
    return this.#checkCredits(input, feature.creditType, this.#creditBalance);
  }

  async #checkCredits(
    input: { customerId: string; feature: string; units?: number },
    creditType: string,
    readBalance: CreditBalanceReader,
  ): Promise<CreditCheckResult> {
    const units = input.units ?? 1;
    const balance = await readBalance(input.customerId, creditType);
    const allowed = balance >= units;
    return {
      units,
      allowed,
      code: allowed ? "ALLOWED" : "INSUFFICIENT_CREDITS",
      feature: input.feature,
      customerId: input.customerId,
      grantedBy: null,
      activeUntil: null,
      upgradeProduct: null,
      upgradeUrl: allowed ? null : this.#upgradeUrl(input.feature, null),
      balance,
    };
  }

  /** A metered feature needs access first; then `used + units` must fit the limit, or overage be allowed. */
  async #checkQuota(
    input: { customerId: string; feature: string; units?: number },
    meter: string,
    readQuota: MeterQuotaReader,
  ): Promise<CheckResult | QuotaCheckResult> {
    const access = await this.check(input);
    if (!access.allowed) return access;
    const units = input.units ?? 1;
    const quota = await readQuota(input.customerId, meter);
    const allowed =
      quota.limit === null || quota.overage === "allow_overage" || quota.used + units <= quota.limit;
    return {
      ...access,
      ...quota,
      units,
      allowed,
      code: allowed ? "ALLOWED" : "QUOTA_EXCEEDED",
      upgradeUrl: allowed ? null : this.#upgradeUrl(input.feature, null),
    };
  }

  /**
   * The customer's projection rows for one feature as read last, while the storage's change stamp
   * says nothing was written since (exact, not a time-to-live); else undefined.
   */
  #keptRows(customerId: string, feature: string): EntitlementRow[] | undefined {
    const stamp = this.#access.changeStamp?.() ?? null;
    if (stamp === null) return undefined;
    const kept = this.#kept.get(`${customerId}\u0000${feature}`);
    return kept !== undefined && kept.stamp === stamp ? kept.rows : undefined;
  }

  /** Reads the rows and keeps them with the stamp taken before the read: a racing write costs a reread. */
  async #readRows(customerId: string, feature: string): Promise<EntitlementRow[]> {
    const stamp = this.#access.changeStamp?.() ?? null;
    const rows = await this.#access.read((stores) => stores.entitlements.findOfFeature(customerId, feature));
    if (stamp !== null) {
      if (this.#kept.size >= keptReadsMax) this.#kept.clear();
      this.#kept.set(`${customerId}\u0000${feature}`, { stamp, rows });
    }
    return rows;
  }

  #requireFeature(key: string) {
    const feature = this.#catalog.findFeature(key);
    if (!feature) {
      throw new BillhookError("UNKNOWN_FEATURE", `The catalog declares no feature "${key}".`, {
        feature: key,
      });
    }
    return feature;
  }

  /** Every feature the customer holds now, with what grants it. */
  async listActive(customerId: string): Promise<EntitlementRow[]> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.read((stores) => stores.entitlements.findActive(customerId, nowMs));
  }

  #upgradeUrl(feature: string, product: string | null): string | null {
    if (!this.#upgradeUrlTemplate) return null;
    return this.#upgradeUrlTemplate
      .replaceAll("{feature}", encodeURIComponent(feature))
      .replaceAll("{product}", encodeURIComponent(product ?? ""));
  }
}

/**
 * The row granting access at `nowMs` the longest: an open-ended grant beats one that ends; of two
 * that end, the later wins (the first of equals, in the store's order).
 */
function strongestActive(rows: EntitlementRow[], nowMs: number): EntitlementRow | undefined {
  let best: EntitlementRow | undefined;
  let bestUntilMs = nowMs;
  for (const row of rows) {
    const untilMs = row.activeUntilMs ?? Number.MAX_SAFE_INTEGER;
    if (untilMs > bestUntilMs) {
      best = row;
      bestUntilMs = untilMs;
    }
  }
  return best;
}
