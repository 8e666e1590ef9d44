export interface EntitlementRow {
  customerId: string;
  featureKey: string;
  sourceKind: "subscription" | "order" | "grant";
  sourceId: string;
  catalogKey: string;
  /** Access ends at this time; null when nothing but a provider event will end it. */
  activeUntilMs: number | null;
  /**
   * Why access ends at `activeUntilMs` when paying would restore it (`PAYMENT_REQUIRED` for a past-due
   * subscription); null otherwise. Lets a denied `check` say 402 rather than 403.
   */
  lapseCode: "PAYMENT_REQUIRED" | null;
}

/** The projection `check` reads: one row per (customer, feature, source), kept by the billing module. */
export interface EntitlementStore {
  replaceForSource(
    sourceKind: EntitlementRow["sourceKind"],
    sourceId: string,
    rows: EntitlementRow[],
    updatedAtMs: number,
  ): Promise<void>;
  /** Rows of this customer still active at `nowMs`. */
  findActive(customerId: string, nowMs: number): Promise<EntitlementRow[]>;
  /**
   * Every row of this customer and feature, whether active, ended or lapsed: `check` decides by the
   * clock, so a row it keeps in memory stays right as time passes.
   */
  findOfFeature(customerId: string, featureKey: string): Promise<EntitlementRow[]>;
}
