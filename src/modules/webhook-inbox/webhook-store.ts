import type { DeliveryStatus, WebhookDelivery } from "./webhook-types.js";

export interface WebhookStore {
  /** Stores a verified delivery unless its (provider, deliveryId) is already stored; true if new. */
  insertIfAbsent(delivery: WebhookDelivery): Promise<boolean>;
  find(id: string): Promise<WebhookDelivery | null>;
  /** Deliveries due for processing, oldest first, not leased by another worker. */
  listDue(nowMs: number, limit: number): Promise<WebhookDelivery[]>;
  /** Leases a delivery for `leaseMs`; false if another worker holds it or it is no longer due. */
  lease(id: string, nowMs: number, leaseMs: number): Promise<boolean>;
  markDone(
    id: string,
    status: Extract<DeliveryStatus, "processed" | "ignored">,
    nowMs: number,
  ): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAtMs: number): Promise<void>;
  /** Makes deliveries due again now (replay). */
  requeue(ids: string[], nowMs: number): Promise<number>;
  list(filter: {
    status?: DeliveryStatus;
    eventType?: string;
    limit: number;
    beforeId?: string;
  }): Promise<WebhookDelivery[]>;
  idsWithStatus(status: DeliveryStatus, limit: number): Promise<string[]>;
}
