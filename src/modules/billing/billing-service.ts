import { type Clock, dayMs, type Logger, type StoreAccess } from "../../kernel/index.js";
import type { Catalog } from "../catalog/index.js";
import type { CreditStores, Credits } from "../credits/index.js";
import type { EntitlementStore } from "../entitlements/index.js";
import type { Ledger, LedgerStores } from "../ledger/index.js";
import type { ProviderEvent, ProviderGrant, ProviderOrder, ProviderSubscription } from "../provider/index.js";
import type { SettingsReader, SettingsStore } from "../settings/index.js";
import { orderEntitlements, subscriptionEntitlements } from "./access-rules.js";
import { recordOrderEvents, recordSubscriptionEvent, replaceEntitlements } from "./billing-events.js";
import type { BillingStore } from "./billing-store.js";
import type { ApplyOutcome, OrderRecord, SubscriptionRecord } from "./billing-types.js";
import { isStale, orderProgressOf, subscriptionProgressOf } from "./event-ordering.js";
import { orderPostings } from "./order-postings.js";

export interface BillingStores extends LedgerStores, CreditStores {
  billing: BillingStore;
  entitlements: EntitlementStore;
  settings: SettingsStore;
}

/** The provider events the billing module applies. */
export type BillingEvent = Extract<ProviderEvent, { kind: "subscription" | "order" | "grant" }>;

/**
 * Applies what a provider says about subscriptions and orders, whether it arrives by webhook or from
 * the reconciler. Deliveries may come twice, late or out of order: a description older than the one
 * we hold is ignored, and money is booked under ids that make every posting happen exactly once.
 */
export class Billing {
  readonly #ledger: Ledger;
  readonly #catalog: Catalog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pastDueGraceMs: number;
  readonly #credits: Credits | null;
  readonly #runtime: SettingsReader | null;

  constructor(options: {
    ledger: Ledger;
    catalog: Catalog;
    clock: Clock;
    logger: Logger;
    pastDueGraceMs: number;
    /** Runtime settings (past-due grace); without it `pastDueGraceMs` applies. */
    runtime?: SettingsReader;
    /** Grants credit packs on paid orders and claws them back on refunds, in the same unit of work. */
    credits?: Credits;
  }) {
    this.#credits = options.credits ?? null;
    this.#ledger = options.ledger;
    this.#catalog = options.catalog;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#pastDueGraceMs = options.pastDueGraceMs;
    this.#runtime = options.runtime ?? null;
  }

  /**
   * Applies one provider event about subscriptions, orders or grants inside the caller's unit of work
   * (which module gets which kind is decided once, in the engine's provider-event applier).
   */
  async apply(stores: BillingStores, provider: string, event: BillingEvent): Promise<ApplyOutcome> {
    switch (event.kind) {
      case "subscription":
        return this.#applySubscription(stores, provider, event.subscription);
      case "order":
        return this.#applyOrder(stores, provider, event.order);
      case "grant":
        return this.#applyGrant(stores, provider, event.grant);
    }
  }

  /**
   * A provider benefit grant (configured at Polar, outside the catalog) entitles the features its
   * benefit names. A revocation is final for that grant: at equal times it beats a grant.
   */
  async #applyGrant(stores: BillingStores, provider: string, grant: ProviderGrant): Promise<ApplyOutcome> {
    const features = grant.featureKeys.filter((key) => this.#catalog.hasFeature(key));
    if (!grant.externalCustomerId || features.length === 0) return "ignored";
    const held = await stores.billing.findGrant(grant.providerGrantId);
    const modifiedAtMs = grant.modifiedAt.getTime();
    if (
      held &&
      isStale(
        { modifiedAtMs: held.providerModifiedAtMs, progress: held.active ? 0 : 1 },
        { modifiedAtMs, progress: grant.active ? 0 : 1 },
      )
    ) {
      return "stale";
    }
    const customerId = grant.externalCustomerId;
    await stores.billing.saveGrant({
      providerGrantId: grant.providerGrantId,
      provider,
      customerId,
      active: grant.active,
      providerModifiedAtMs: modifiedAtMs,
    });
    const rows = grant.active
      ? features.map((featureKey) => ({
          customerId,
          featureKey,
          sourceKind: "grant" as const,
          sourceId: grant.providerGrantId,
          catalogKey: `benefit:${grant.benefitId}`,
          activeUntilMs: null,
          lapseCode: null,
        }))
      : [];
    await replaceEntitlements(
      stores,
      customerId,
      { kind: "grant", id: grant.providerGrantId },
      rows,
      this.#clock.now().getTime(),
    );
    return "applied";
  }

  async #applySubscription(
    stores: BillingStores,
    provider: string,
    incoming: ProviderSubscription,
  ): Promise<ApplyOutcome> {
    const catalogKey =
      incoming.catalogKey ?? (await stores.billing.catalogKeyOf(provider, incoming.providerProductId));
    if (!catalogKey || !incoming.externalCustomerId) {
      this.#logger.warn(
        { subscription: incoming.providerSubscriptionId },
        "subscription is not a Billhook product or customer",
      );
      return "ignored";
    }
    const held = await stores.billing.findSubscription(incoming.providerSubscriptionId);
    const modifiedAtMs = incoming.modifiedAt.getTime();
    if (
      held &&
      isStale(
        {
          modifiedAtMs: held.providerModifiedAtMs,
          progress: subscriptionProgressOf(held.status, held.cancelAtPeriodEnd),
        },
        { modifiedAtMs, progress: subscriptionProgressOf(incoming.status, incoming.cancelAtPeriodEnd) },
      )
    ) {
      return "stale";
    }

    const record: SubscriptionRecord = {
      providerSubscriptionId: incoming.providerSubscriptionId,
      provider,
      customerId: incoming.externalCustomerId,
      catalogKey,
      status: incoming.status,
      cancelAtPeriodEnd: incoming.cancelAtPeriodEnd,
      currentPeriodStartMs: incoming.currentPeriodStart.getTime(),
      currentPeriodEndMs: incoming.currentPeriodEnd?.getTime() ?? null,
      pastDueAtMs:
        incoming.pastDueAt?.getTime() ??
        (incoming.status === "past_due" ? (held?.pastDueAtMs ?? modifiedAtMs) : null),
      endedAtMs: incoming.endedAt?.getTime() ?? null,
      providerModifiedAtMs: modifiedAtMs,
    };
    const nowMs = this.#clock.now().getTime();
    await stores.billing.saveSubscription(record, nowMs);
    await recordSubscriptionEvent(stores, held, record, nowMs);
    await this.#credits?.applySubscriptionWithin(stores, this.#catalog.find(catalogKey), record);
    const runtime = await this.#runtime?.current(stores);
    const graceMs = runtime ? runtime.pastDueGraceDays * dayMs : this.#pastDueGraceMs;
    const rows = subscriptionEntitlements(record, this.#catalog.find(catalogKey), graceMs);
    await replaceEntitlements(
      stores,
      record.customerId,
      { kind: "subscription", id: record.providerSubscriptionId },
      rows,
      nowMs,
    );
    return "applied";
  }

  /**
   * Grants the current month's credit allowances of a customer's subscriptions: what a periodic job
   * calls so yearly plans get their monthly allocation between provider events. Idempotent.
   */
  async refreshAllowances(
    access: { transaction<T>(work: (stores: BillingStores) => Promise<T>): Promise<T> },
    customerId: string,
  ): Promise<number> {
    const credits = this.#credits;
    if (!credits) return 0;
    return access.transaction(async (stores) => {
      let granted = 0;
      for (const subscription of await stores.billing.listSubscriptionsOf(customerId)) {
        const entry = this.#catalog.find(subscription.catalogKey);
        granted += await credits.applySubscriptionWithin(stores, entry, subscription);
      }
      return granted;
    });
  }

  /** Refreshes allowances of every customer with a live subscription, in pages; the worker runs it. */
  async refreshAllAllowances(access: StoreAccess<BillingStores>): Promise<number> {
    if (!this.#credits) return 0;
    let granted = 0;
    for (let after: string | null = null; ; ) {
      const cursor: string | null = after;
      const customers: string[] = await access.read((stores) =>
        stores.billing.listCustomersWithLiveSubscriptions(cursor, 500),
      );
      for (const customerId of customers) granted += await this.refreshAllowances(access, customerId);
      if (customers.length < 500) return granted;
      after = customers.at(-1) ?? null;
    }
  }

  async #applyOrder(stores: BillingStores, provider: string, incoming: ProviderOrder): Promise<ApplyOutcome> {
    const held = await stores.billing.findOrder(incoming.providerOrderId);
    // A later description may not name the customer (Stripe's charge.refunded): the held order does.
    const customerId = incoming.externalCustomerId ?? held?.customerId ?? null;
    if (!customerId) {
      this.#logger.warn({ order: incoming.providerOrderId }, "order has no external customer id");
      return "ignored";
    }
    const catalogKey =
      incoming.catalogKey ??
      held?.catalogKey ??
      (incoming.providerProductId
        ? await stores.billing.catalogKeyOf(provider, incoming.providerProductId)
        : null);
    const record: OrderRecord = {
      providerOrderId: incoming.providerOrderId,
      provider,
      customerId,
      catalogKey,
      providerSubscriptionId: incoming.providerSubscriptionId,
      status: incoming.status,
      billingReason: incoming.billingReason,
      currency: incoming.currency,
      netMinor: incoming.netMinor,
      taxMinor: incoming.taxMinor,
      totalMinor: incoming.totalMinor,
      providerFeeMinor: incoming.providerFeeMinor,
      refundedMinor: Math.max(incoming.refundedMinor, held?.refundedMinor ?? 0),
      refundedTaxMinor: Math.max(incoming.refundedTaxMinor, held?.refundedTaxMinor ?? 0),
      providerModifiedAtMs: incoming.modifiedAt.getTime(),
    };
    if (
      held &&
      isStale(
        { modifiedAtMs: held.providerModifiedAtMs, progress: orderProgressOf(held.status) },
        { modifiedAtMs: record.providerModifiedAtMs, progress: orderProgressOf(record.status) },
      )
    ) {
      return "stale";
    }

    for (const posting of orderPostings(record, held)) await this.#ledger.postWithin(stores, posting);
    await this.#credits?.applyOrderWithin(stores, catalogKey, record);
    const nowMs = this.#clock.now().getTime();
    await stores.billing.saveOrder(record, nowMs);
    await recordOrderEvents(stores, held, record, nowMs);
    const entry = catalogKey ? this.#catalog.find(catalogKey) : undefined;
    await replaceEntitlements(
      stores,
      customerId,
      { kind: "order", id: record.providerOrderId },
      orderEntitlements(record, entry),
      nowMs,
    );
    return "applied";
  }
}
