import type { CatalogConfig } from "../../config/index.js";
import { dayMs, hourMs, minuteMs, secondMs } from "../../kernel/index.js";
import type { CatalogEntry, CreditType, Feature, Meter } from "./catalog-types.js";

/**
 * The catalog declared in `billhook.config.ts`: features and the plans, one-time products and tips
 * that grant them. Immutable once built; every module reads entitlements rules from here.
 */
export class Catalog {
  readonly entries: readonly CatalogEntry[];
  readonly features: readonly Feature[];
  readonly creditTypes: readonly CreditType[];
  readonly meters: readonly Meter[];
  readonly #entriesByKey: Map<string, CatalogEntry>;

  constructor(config: CatalogConfig) {
    this.features = Object.entries(config.features).map(([key, feature]) => ({
      key,
      name: feature.name ?? key,
      type: feature.type,
      creditType: feature.creditType ?? null,
      meter: feature.meter ?? null,
      rateLimits: feature.rateLimits.map((window) => ({
        limit: window.limit,
        windowMs: windowMsOf(window.window),
      })),
    }));
    this.meters = Object.entries(config.meters).map(([key, meter]) => ({
      key,
      name: meter.name ?? key,
      event: meter.event,
      filter: meter.filter,
      aggregation: meter.aggregation,
      property: meter.property ?? null,
      reset: meter.reset,
    }));
    this.creditTypes = Object.entries(config.credits).map(([key, credit]) => ({ key, unit: credit.unit }));
    this.entries = [
      ...Object.entries(config.plans).map(
        ([key, plan]): CatalogEntry => ({
          key,
          kind: "plan",
          name: plan.name,
          description: plan.description ?? null,
          price: { type: "fixed", amountMinor: plan.price.amountMinor, currency: plan.price.currency },
          interval: plan.interval,
          trialDays: plan.trialDays ?? null,
          features: plan.features,
          creditAllowances: Object.entries(plan.credits).map(([creditType, allowance]) => ({
            creditType,
            amount: allowance.amount,
            rollover: allowance.rollover,
            rolloverCap: allowance.rolloverCap ?? null,
          })),
          usageLimits: Object.entries(plan.limits).map(([meter, limit]) => ({ meter, ...limit })),
        }),
      ),
      ...Object.entries(config.products).map(
        ([key, product]): CatalogEntry => ({
          key,
          kind: "one_time",
          name: product.name,
          description: product.description ?? null,
          price: { type: "fixed", amountMinor: product.price.amountMinor, currency: product.price.currency },
          interval: null,
          trialDays: null,
          features: product.features,
        }),
      ),
      ...Object.entries(config.tips).map(
        ([key, tip]): CatalogEntry => ({
          key,
          kind: "tip",
          name: tip.name,
          description: tip.description ?? null,
          price: {
            type: "custom",
            currency: tip.currency,
            minimumMinor: tip.minimumMinor,
            maximumMinor: tip.maximumMinor ?? null,
            presetMinor: tip.presetMinor ?? null,
          },
          interval: null,
          trialDays: null,
          features: [],
        }),
      ),
      ...Object.entries(config.creditPacks).map(
        ([key, pack]): CatalogEntry => ({
          key,
          kind: "one_time",
          name: pack.name,
          description: pack.description ?? null,
          price: pack.payWhatYouWant
            ? {
                type: "custom",
                currency: pack.payWhatYouWant.currency,
                minimumMinor: pack.payWhatYouWant.minimumMinor,
                maximumMinor: pack.payWhatYouWant.maximumMinor ?? null,
                presetMinor: pack.payWhatYouWant.presetMinor ?? null,
              }
            : { type: "fixed", amountMinor: pack.price!.amountMinor, currency: pack.price!.currency },
          interval: null,
          trialDays: null,
          features: [],
          creditPack: {
            creditType: pack.creditType,
            amount: pack.amount ?? null,
            creditsPerMinor: pack.payWhatYouWant?.creditsPerMinor ?? null,
            expiresInDays: pack.expiresInDays ?? null,
            priority: pack.priority ?? defaultCreditPriority,
          },
        }),
      ),
    ];
    this.#entriesByKey = new Map(this.entries.map((entry) => [entry.key, entry]));
  }

  find(key: string): CatalogEntry | undefined {
    return this.#entriesByKey.get(key);
  }

  findFeature(key: string): Feature | undefined {
    return this.features.find((feature) => feature.key === key);
  }

  findCreditType(key: string): CreditType | undefined {
    return this.creditTypes.find((creditType) => creditType.key === key);
  }

  findMeter(key: string): Meter | undefined {
    return this.meters.find((meter) => meter.key === key);
  }

  hasFeature(key: string): boolean {
    return this.features.some((feature) => feature.key === key);
  }

  /** The cheapest plan or product that grants `feature`: where an upgrade link should lead. */
  cheapestGrantOf(feature: string): CatalogEntry | undefined {
    return this.entries
      .filter((entry) => entry.features.includes(feature) && entry.price.type === "fixed")
      .sort((a, b) => priceOf(a) - priceOf(b))[0];
  }
}

/** Grants without an explicit priority sit in the middle, so promos can go before or after them. */
export const defaultCreditPriority = 100;

function priceOf(entry: CatalogEntry): number {
  return entry.price.type === "fixed" ? entry.price.amountMinor : entry.price.minimumMinor;
}

const windowMs = { second: secondMs, minute: minuteMs, hour: hourMs, day: dayMs } as const;

/** `"minute"` or a number of seconds, in milliseconds. */
function windowMsOf(window: keyof typeof windowMs | number): number {
  return typeof window === "number" ? window * 1_000 : windowMs[window];
}
