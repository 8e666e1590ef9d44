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
  type: "boolean" | "credits";
  /** For credit-backed features: the credit type `check` compares to. */
  creditType: string | null;
}
