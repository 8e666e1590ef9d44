import type { Kysely } from "kysely";
import type {
  AttemptOutcome,
  EndpointChange,
  EndpointStatus,
  OutboundDelivery,
  OutboundDeliveryStatus,
  OutboundStore,
  WebhookEndpoint,
} from "../../modules/outbound-webhooks/index.js";
import type { OutboundDeliveriesTable, Schema, WebhookEndpointsTable } from "../schema.js";
import { deleteByIds } from "./delete-by-ids.js";

export class KyselyOutboundStore implements OutboundStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.#db
      .insertInto("webhook_endpoints")
      .values({
        id: endpoint.id,
        url: endpoint.url,
        description: endpoint.description,
        event_types_json: JSON.stringify(endpoint.eventTypes),
        secret: endpoint.secret,
        previous_secret: endpoint.previousSecret,
        previous_secret_expires_at_ms: endpoint.previousSecretExpiresAtMs,
        status: endpoint.status,
        pause_reason: endpoint.pauseReason,
        consecutive_failures: endpoint.consecutiveFailures,
        created_at_ms: endpoint.createdAtMs,
        updated_at_ms: endpoint.updatedAtMs,
      })
      .execute();
  }

  async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const row = await this.#db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toEndpoint(row) : null;
  }

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const rows = await this.#db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .orderBy("created_at_ms")
      .orderBy("id")
      .execute();
    return rows.map(toEndpoint);
  }

  async countEndpoints(): Promise<number> {
    const row = await this.#db
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async updateEndpoint(id: string, change: EndpointChange, nowMs: number): Promise<boolean> {
    const result = await this.#db
      .updateTable("webhook_endpoints")
      .set({
        updated_at_ms: nowMs,
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.eventTypes !== undefined ? { event_types_json: JSON.stringify(change.eventTypes) } : {}),
        ...(change.secret !== undefined ? { secret: change.secret } : {}),
        ...(change.previousSecret !== undefined ? { previous_secret: change.previousSecret } : {}),
        ...(change.previousSecretExpiresAtMs !== undefined
          ? { previous_secret_expires_at_ms: change.previousSecretExpiresAtMs }
          : {}),
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.pauseReason !== undefined ? { pause_reason: change.pauseReason } : {}),
        ...(change.consecutiveFailures !== undefined
          ? { consecutive_failures: change.consecutiveFailures }
          : {}),
      })
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    await this.#db.deleteFrom("outbound_deliveries").where("endpoint_id", "=", id).execute();
    const result = await this.#db.deleteFrom("webhook_endpoints").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async recordFailure(id: string, failuresMax: number, reason: string, nowMs: number): Promise<boolean> {
    await this.#db
      .updateTable("webhook_endpoints")
      .set((eb) => ({ consecutive_failures: eb("consecutive_failures", "+", 1) }))
      .where("id", "=", id)
      .execute();
    const paused = await this.#db
      .updateTable("webhook_endpoints")
      .set({ status: "paused", pause_reason: reason, updated_at_ms: nowMs })
      .where("id", "=", id)
      .where("status", "=", "active")
      .where("consecutive_failures", ">=", failuresMax)
      .returning("id")
      .executeTakeFirst();
    return paused !== undefined;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.#db
      .updateTable("webhook_endpoints")
      .set({ consecutive_failures: 0 })
      .where("id", "=", id)
      .where("consecutive_failures", "<>", 0)
      .execute();
  }

  async insertDeliveries(deliveries: OutboundDelivery[]): Promise<void> {
    // Chunks keep each statement well under both databases' bound-parameter limits.
    for (let start = 0; start < deliveries.length; start += 200) {
      await this.#db
        .insertInto("outbound_deliveries")
        .values(deliveries.slice(start, start + 200).map(toRow))
        .onConflict((conflict) => conflict.columns(["endpoint_id", "event_id"]).doNothing())
        .execute();
    }
  }

  async findDelivery(id: string): Promise<OutboundDelivery | null> {
    const row = await this.#db
      .selectFrom("outbound_deliveries")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  async listDeliverable(nowMs: number, limit: number): Promise<OutboundDelivery[]> {
    const rows = await this.#db
      .selectFrom("outbound_deliveries as delivery")
      .innerJoin("webhook_endpoints as endpoint", "endpoint.id", "delivery.endpoint_id")
      .selectAll("delivery")
      .where("delivery.status", "=", "pending")
      .where("delivery.next_attempt_at_ms", "<=", nowMs)
      .where("delivery.locked_until_ms", "<=", nowMs)
      .where("endpoint.status", "=", "active")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("outbound_deliveries as earlier")
              .select("earlier.id")
              .whereRef("earlier.endpoint_id", "=", "delivery.endpoint_id")
              .whereRef("earlier.ordering_key", "=", "delivery.ordering_key")
              .whereRef("earlier.event_sequence", "<", "delivery.event_sequence")
              .where("earlier.status", "<>", "delivered"),
          ),
        ),
      )
      .orderBy("delivery.event_sequence")
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  async claim(id: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const claimed = await this.#db
      .updateTable("outbound_deliveries")
      .set({ locked_until_ms: nowMs + leaseMs })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("locked_until_ms", "<=", nowMs)
      .returning("id")
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async recordAttempt(id: string, outcome: AttemptOutcome, nowMs: number): Promise<void> {
    await this.#db
      .updateTable("outbound_deliveries")
      .set((eb) => ({
        attempts: eb("attempts", "+", 1),
        status: outcome.delivered ? "delivered" : "pending",
        delivered_at_ms: outcome.delivered ? nowMs : null,
        next_attempt_at_ms: outcome.delivered ? nowMs : outcome.nextAttemptAtMs,
        locked_until_ms: 0,
        last_attempt_at_ms: nowMs,
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
        last_response_body: outcome.responseBody,
      }))
      .where("id", "=", id)
      .execute();
  }

  async requeue(ids: string[], nowMs: number): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#db
      .updateTable("outbound_deliveries")
      .set({ status: "pending", next_attempt_at_ms: nowMs, locked_until_ms: 0 })
      .where("id", "in", ids)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async requeuePending(endpointId: string, nowMs: number): Promise<number> {
    const result = await this.#db
      .updateTable("outbound_deliveries")
      .set({ next_attempt_at_ms: nowMs, locked_until_ms: 0 })
      .where("endpoint_id", "=", endpointId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listDeliveries(filter: {
    endpointId: string;
    status?: OutboundDeliveryStatus;
    limit: number;
  }): Promise<OutboundDelivery[]> {
    let query = this.#db
      .selectFrom("outbound_deliveries")
      .selectAll()
      .where("endpoint_id", "=", filter.endpointId)
      .orderBy("event_sequence", "desc")
      .limit(filter.limit);
    if (filter.status) query = query.where("status", "=", filter.status);
    return (await query.execute()).map(toDelivery);
  }

  async purgeDelivered(beforeMs: number, limit: number): Promise<number> {
    const ids = await this.#db
      .selectFrom("outbound_deliveries")
      .select("id")
      .where("status", "=", "delivered")
      .where("delivered_at_ms", "<", beforeMs)
      .limit(limit)
      .execute();
    return deleteByIds(
      this.#db,
      "outbound_deliveries",
      ids.map((row) => row.id),
    );
  }
}

function toEndpoint(row: WebhookEndpointsTable): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types_json) as string[],
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAtMs: row.previous_secret_expires_at_ms,
    status: row.status as EndpointStatus,
    pauseReason: row.pause_reason,
    consecutiveFailures: row.consecutive_failures,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

function toRow(delivery: OutboundDelivery): OutboundDeliveriesTable {
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    event_sequence: delivery.eventSequence,
    ordering_key: delivery.orderingKey,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at_ms: delivery.nextAttemptAtMs,
    locked_until_ms: 0,
    last_attempt_at_ms: delivery.lastAttemptAtMs,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    last_response_body: delivery.lastResponseBody,
    delivered_at_ms: delivery.deliveredAtMs,
    created_at_ms: delivery.createdAtMs,
  };
}

function toDelivery(row: OutboundDeliveriesTable): OutboundDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventSequence: row.event_sequence,
    orderingKey: row.ordering_key,
    status: row.status as OutboundDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAtMs: row.next_attempt_at_ms,
    lastAttemptAtMs: row.last_attempt_at_ms,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastResponseBody: row.last_response_body,
    deliveredAtMs: row.delivered_at_ms,
    createdAtMs: row.created_at_ms,
  };
}
