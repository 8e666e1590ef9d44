import { BillhookError, type Clock, type StoreAccess } from "../../kernel/index.js";
import type { Catalog } from "../catalog/index.js";
import type { EntitlementRow, EntitlementStore } from "./entitlement-store.js";

export interface EntitlementStores {
  entitlements: EntitlementStore;
}

export interface CheckResult {
  allowed: boolean;
  /** `ALLOWED`, or why not: `SUBSCRIPTION_REQUIRED` (nothing grants it). */
  code: "ALLOWED" | "SUBSCRIPTION_REQUIRED";
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

/**
 * Answers "may this customer use this feature?" from the entitlement projection: one indexed read,
 * no scan of events and no call to the provider.
 */
export class Entitlements {
  readonly #access: StoreAccess<EntitlementStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #upgradeUrlTemplate: string | null;

  constructor(
    access: StoreAccess<EntitlementStores>,
    clock: Clock,
    catalog: Catalog,
    upgradeUrlTemplate: string | null = null,
  ) {
    this.#access = access;
    this.#clock = clock;
    this.#catalog = catalog;
    this.#upgradeUrlTemplate = upgradeUrlTemplate;
  }

  /**
   * @example
   * const { allowed } = await billhook.entitlements.check({ customerId: "user_1", feature: "export" });
   */
  async check(input: { customerId: string; feature: string }): Promise<CheckResult> {
    if (!this.#catalog.hasFeature(input.feature)) {
      throw new BillhookError("UNKNOWN_FEATURE", `The catalog declares no feature "${input.feature}".`, {
        feature: input.feature,
      });
    }
    const nowMs = this.#clock.now().getTime();
    const rows = await this.#access.read((stores) =>
      stores.entitlements.findActive(input.customerId, nowMs, input.feature),
    );
    const best = strongest(rows);
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

/** An open-ended grant beats one that ends; of two that end, the later wins. */
function strongest(rows: EntitlementRow[]): EntitlementRow | undefined {
  return [...rows].sort(
    (a, b) => (b.activeUntilMs ?? Number.MAX_SAFE_INTEGER) - (a.activeUntilMs ?? Number.MAX_SAFE_INTEGER),
  )[0];
}
