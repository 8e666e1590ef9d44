import { type DomainEventStores, type DomainEventType, recordDomainEvent } from "../domain-events/index.js";
import type { EntitlementRow, EntitlementStore } from "../entitlements/index.js";
import type { OrderRecord, SubscriptionRecord } from "./billing-types.js";

type EventStores = DomainEventStores & { entitlements: EntitlementStore };

/**
 * Replaces a source's entitlement rows and records `entitlements.changed` when the customer's active
 * entitlements differ afterwards (two indexed reads; billing events are rare, so this is cheap).
 */
export async function replaceEntitlements(
  stores: EventStores,
  customerId: string,
  source: { kind: EntitlementRow["sourceKind"]; id: string },
  rows: EntitlementRow[],
  nowMs: number,
): Promise<void> {
  const before = await stores.entitlements.findActive(customerId, nowMs);
  await stores.entitlements.replaceForSource(source.kind, source.id, rows, nowMs);
  const after = await stores.entitlements.findActive(customerId, nowMs);
  const view = (list: EntitlementRow[]) =>
    list
      .map((row) => ({
        feature: row.featureKey,
        catalogKey: row.catalogKey,
        activeUntil: row.activeUntilMs === null ? null : new Date(row.activeUntilMs).toISOString(),
      }))
      .sort((a, b) => (a.feature + a.catalogKey < b.feature + b.catalogKey ? -1 : 1));
  const entitlements = view(after);
  if (JSON.stringify(view(before)) === JSON.stringify(entitlements)) return;
  const featuresBefore = new Set(before.map((row) => row.featureKey));
  const featuresAfter = new Set(after.map((row) => row.featureKey));
  await recordDomainEvent(stores, {
    type: "entitlements.changed",
    data: {
      customerId,
      entitlements,
      added: [...featuresAfter].filter((feature) => !featuresBefore.has(feature)).sort(),
      removed: [...featuresBefore].filter((feature) => !featuresAfter.has(feature)).sort(),
    },
    occurredAtMs: nowMs,
  });
}

const endedStatuses = new Set(["canceled", "unpaid", "incomplete_expired"]);

/** Which one subscription event a change from `held` to `record` is, or null when nothing changed. */
export function subscriptionEventType(
  held: SubscriptionRecord | null,
  record: SubscriptionRecord,
): Extract<DomainEventType, `subscription.${string}`> | null {
  if (!held) return "subscription.created";
  if (endedStatuses.has(record.status) && !endedStatuses.has(held.status)) return "subscription.ended";
  if (record.cancelAtPeriodEnd && !held.cancelAtPeriodEnd) return "subscription.canceled";
  if (!record.cancelAtPeriodEnd && held.cancelAtPeriodEnd) return "subscription.uncanceled";
  const same =
    held.status === record.status &&
    held.catalogKey === record.catalogKey &&
    held.currentPeriodStartMs === record.currentPeriodStartMs &&
    held.currentPeriodEndMs === record.currentPeriodEndMs;
  return same ? null : "subscription.updated";
}

export async function recordSubscriptionEvent(
  stores: DomainEventStores,
  held: SubscriptionRecord | null,
  record: SubscriptionRecord,
  nowMs: number,
): Promise<void> {
  const type = subscriptionEventType(held, record);
  if (!type) return;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  await recordDomainEvent(stores, {
    type,
    data: {
      customerId: record.customerId,
      subscriptionId: record.providerSubscriptionId,
      provider: record.provider,
      plan: record.catalogKey,
      status: record.status,
      cancelAtPeriodEnd: record.cancelAtPeriodEnd,
      currentPeriodStart: new Date(record.currentPeriodStartMs).toISOString(),
      currentPeriodEnd: iso(record.currentPeriodEndMs),
      endedAt: iso(record.endedAtMs),
    },
    occurredAtMs: nowMs,
  });
}

const paidStatuses = new Set(["paid", "refunded", "partially_refunded"]);

/** `order.paid` the first time an order is seen paid; `order.refunded` whenever its refunds grow. */
export async function recordOrderEvents(
  stores: DomainEventStores,
  held: OrderRecord | null,
  record: OrderRecord,
  nowMs: number,
): Promise<void> {
  const data = {
    customerId: record.customerId,
    orderId: record.providerOrderId,
    provider: record.provider,
    product: record.catalogKey,
    subscriptionId: record.providerSubscriptionId,
    billingReason: record.billingReason,
    currency: record.currency,
    netMinor: record.netMinor,
    taxMinor: record.taxMinor,
    totalMinor: record.totalMinor,
    refundedMinor: record.refundedMinor,
  };
  if (paidStatuses.has(record.status) && !(held && paidStatuses.has(held.status))) {
    await recordDomainEvent(stores, { type: "order.paid", data, occurredAtMs: nowMs });
  }
  if (record.refundedMinor > (held?.refundedMinor ?? 0)) {
    await recordDomainEvent(stores, { type: "order.refunded", data, occurredAtMs: nowMs });
  }
}
