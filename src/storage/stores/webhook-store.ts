import type { Kysely } from "kysely";
import type { DeliveryStatus, WebhookDelivery, WebhookStore } from "../../modules/webhook-inbox/index.js";
import type { Schema, WebhookDeliveriesTable } from "../schema.js";

export class KyselyWebhookStore implements WebhookStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insertIfAbsent(delivery: WebhookDelivery): Promise<boolean> {
    const inserted = await this.#db
      .insertInto("webhook_deliveries")
      .values({
        id: delivery.id,
        provider: delivery.provider,
        delivery_id: delivery.deliveryId,
        event_type: delivery.eventType,
        payload: delivery.payload,
        status: delivery.status,
        attempts: delivery.attempts,
        last_error: delivery.lastError,
        received_at_ms: delivery.receivedAtMs,
        next_attempt_at_ms: delivery.nextAttemptAtMs,
        locked_until_ms: 0,
        processed_at_ms: delivery.processedAtMs,
      })
      .onConflict((conflict) => conflict.columns(["provider", "delivery_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async find(id: string): Promise<WebhookDelivery | null> {
    const row = await this.#db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  async listDue(nowMs: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.#db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("status", "in", ["received", "failed"])
      .where("next_attempt_at_ms", "<=", nowMs)
      .where("locked_until_ms", "<=", nowMs)
      .orderBy("received_at_ms")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  async lease(id: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const leased = await this.#db
      .updateTable("webhook_deliveries")
      .set({ locked_until_ms: nowMs + leaseMs })
      .where("id", "=", id)
      .where("status", "in", ["received", "failed"])
      .where("locked_until_ms", "<=", nowMs)
      .returning("id")
      .executeTakeFirst();
    return leased !== undefined;
  }

  async markDone(id: string, status: "processed" | "ignored", nowMs: number): Promise<void> {
    await this.#db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        status,
        processed_at_ms: nowMs,
        locked_until_ms: 0,
        last_error: null,
        attempts: eb("attempts", "+", 1),
      }))
      .where("id", "=", id)
      .execute();
  }

  async markFailed(id: string, error: string, nextAttemptAtMs: number): Promise<void> {
    await this.#db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        status: "failed",
        last_error: error,
        next_attempt_at_ms: nextAttemptAtMs,
        locked_until_ms: 0,
        attempts: eb("attempts", "+", 1),
      }))
      .where("id", "=", id)
      .execute();
  }

  async requeue(ids: string[], nowMs: number): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#db
      .updateTable("webhook_deliveries")
      .set({ status: "received", next_attempt_at_ms: nowMs, locked_until_ms: 0 })
      .where("id", "in", ids)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async list(filter: {
    status?: DeliveryStatus;
    eventType?: string;
    limit: number;
    beforeId?: string;
  }): Promise<WebhookDelivery[]> {
    let query = this.#db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .orderBy("received_at_ms", "desc")
      .orderBy("id", "desc")
      .limit(filter.limit);
    if (filter.status) query = query.where("status", "=", filter.status);
    if (filter.eventType) query = query.where("event_type", "=", filter.eventType);
    if (filter.beforeId) query = query.where("id", "<", filter.beforeId);
    return (await query.execute()).map(toDelivery);
  }

  async idsWithStatus(status: DeliveryStatus, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("status", "=", status)
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }
}

function toDelivery(row: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: row.id,
    provider: row.provider,
    deliveryId: row.delivery_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastError: row.last_error,
    receivedAtMs: row.received_at_ms,
    nextAttemptAtMs: row.next_attempt_at_ms,
    processedAtMs: row.processed_at_ms,
  };
}
