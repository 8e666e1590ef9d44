import type { ProductPrice, ProductSpec } from "../provider/index.js";

export type CatalogEntryKind = ProductSpec["kind"];

export type CatalogPrice = ProductPrice;

/** One sellable thing from `billhook.config.ts`: what the provider sells, and what it grants. */
export interface CatalogEntry extends ProductSpec {
  /** Feature keys the purchase grants. */
  features: string[];
}

export interface Feature {
  key: string;
  name: string;
  type: "boolean";
}
