import type { OrderRecord, SubscriptionRecord } from "./billing-types.js";

export interface BillingStore {
  findSubscription(providerSubscriptionId: string): Promise<SubscriptionRecord | null>;
  saveSubscription(record: SubscriptionRecord, updatedAtMs: number): Promise<void>;
  listSubscriptionsOf(customerId: string): Promise<SubscriptionRecord[]>;
  /** Customers with a trialing, active or past-due subscription, in id order after `afterCustomerId`. */
  listCustomersWithLiveSubscriptions(afterCustomerId: string | null, limit: number): Promise<string[]>;
  findOrder(providerOrderId: string): Promise<OrderRecord | null>;
  saveOrder(record: OrderRecord, updatedAtMs: number): Promise<void>;
  listOrdersOf(customerId: string): Promise<OrderRecord[]>;
  /** The last state of a provider benefit grant we applied. */
  findGrant(providerGrantId: string): Promise<{ active: boolean; providerModifiedAtMs: number } | null>;
  saveGrant(grant: {
    providerGrantId: string;
    provider: string;
    customerId: string;
    active: boolean;
    providerModifiedAtMs: number;
  }): Promise<void>;
  /** Provider catalog mapping: which catalog key a provider product stands for. */
  catalogKeyOf(provider: string, providerProductId: string): Promise<string | null>;
  getCursor(name: string): Promise<number | null>;
  setCursor(name: string, valueMs: number): Promise<void>;
}
