import type { ProductPrice, ProductSpec } from "../provider/index.js";

export type CatalogEntryKind = ProductSpec["kind"];

export type CatalogPrice = ProductPrice;

/** One sellable thing from `billhook.config.ts`: what the provider sells, and what it grants. */
export interface CatalogEntry extends ProductSpec {
  /** Feature keys the purchase grants. */
  features: string[];
  /** What a credit pack grants when its order is paid; absent on everything else. */
  creditPack?: CreditPackTerms;
  /** Credits a plan grants each month, one entry per credit type; absent or empty on everything else. */
  creditAllowances?: CreditAllowance[];
  /** Usage a plan includes each period, one entry per meter; absent or empty on everything else. */
  usageLimits?: UsageLimit[];
}

export interface UsageLimit {
  meter: string;
  limit: number;
  overage: "block" | "allow_overage";
}

/** Which events a meter counts, how it aggregates them, and when it starts again. */
export interface Meter {
  key: string;
  name: string;
  event: string;
  /** Properties an event must have, with these exact values, to count. */
  filter: Record<string, string | number | boolean>;
  aggregation: "count" | "sum" | "max" | "unique";
  /** The aggregated property (`value` falls back to the event's value); null for `count`. */
  property: string | null;
  reset: "month" | "subscription";
}

export interface CreditPackTerms {
  creditType: string;
  /** Credits granted by a fixed-price pack; null for pay-what-you-want. */
  amount: number | null;
  /** Pay-what-you-want: credits per minor unit paid (the grant is the paid amount × this, rounded down). */
  creditsPerMinor: number | null;
  expiresInDays: number | null;
  priority: number;
}

export interface CreditAllowance {
  creditType: string;
  amount: number;
  rollover: boolean;
  rolloverCap: number | null;
}

export interface CreditType {
  key: string;
  /** The singular unit shown to people, e.g. `image`. */
  unit: string;
}

export interface Feature {
  key: string;
  name: string;
  type: "boolean" | "credits" | "metered";
  /** For credit-backed features: the credit type `check` compares to. */
  creditType: string | null;
  /** For metered features: the meter whose use `check` compares to the plan's limit. */
  meter: string | null;
  /** Request-rate windows per customer (see docs/usage.md); empty = not rate limited. */
  rateLimits: readonly RateLimitWindow[];
}

/** At most `limit` allowed `check`s per customer in any `windowMs` (sliding window). */
export interface RateLimitWindow {
  limit: number;
  windowMs: number;
}
