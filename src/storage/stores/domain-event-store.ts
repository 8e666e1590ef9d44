import type { Kysely, Selectable } from "kysely";
import type {
  DomainEventRecord,
  DomainEventStore,
  DomainEventType,
} from "../../modules/domain-events/index.js";
import type { DomainEventsTable, Schema } from "../schema.js";
import { deleteByIds } from "./delete-by-ids.js";

export class KyselyDomainEventStore implements DomainEventStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insert(event: Omit<DomainEventRecord, "sequence">): Promise<boolean> {
    const inserted = await this.#db
      .insertInto("domain_events")
      .values({
        id: event.id,
        type: event.type,
        customer_id: event.customerId,
        data_json: JSON.stringify(event.data),
        occurred_at_ms: event.occurredAtMs,
        dispatched: 0,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async listUndispatched(limit: number): Promise<DomainEventRecord[]> {
    const rows = await this.#db
      .selectFrom("domain_events")
      .selectAll()
      .where("dispatched", "=", 0)
      .orderBy("sequence")
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.updateTable("domain_events").set({ dispatched: 1 }).where("id", "in", ids).execute();
  }

  async find(id: string): Promise<DomainEventRecord | null> {
    const row = await this.#db
      .selectFrom("domain_events")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async purgeDispatched(beforeMs: number, limit: number): Promise<number> {
    const ids = await this.#db
      .selectFrom("domain_events as event")
      .select("event.id")
      .where("event.dispatched", "=", 1)
      .where("event.occurred_at_ms", "<", beforeMs)
      // An event still owed to a (paused) endpoint is kept until it is delivered.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("outbound_deliveries as delivery")
              .select("delivery.id")
              .whereRef("delivery.event_id", "=", "event.id")
              .where("delivery.status", "<>", "delivered"),
          ),
        ),
      )
      .limit(limit)
      .execute();
    return deleteByIds(
      this.#db,
      "domain_events",
      ids.map((row) => row.id),
    );
  }
}

function toRecord(row: Selectable<DomainEventsTable>): DomainEventRecord {
  return {
    sequence: row.sequence,
    id: row.id,
    type: row.type as DomainEventType,
    customerId: row.customer_id,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    occurredAtMs: row.occurred_at_ms,
  };
}
