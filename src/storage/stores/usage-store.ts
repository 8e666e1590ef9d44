import { type Kysely, sql } from "kysely";
import type { Meter } from "../../modules/catalog/index.js";
import type { MeterValueRecord, UsageEventRecord, UsageStore } from "../../modules/usage/index.js";
import type { Schema } from "../schema.js";

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const rowsPerStatementMax = 500;

export class KyselyUsageStore implements UsageStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insertEvents(events: UsageEventRecord[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let start = 0; start < events.length; start += rowsPerStatementMax) {
      const rows = await this.#db
        .insertInto("usage_events")
        .values(
          events.slice(start, start + rowsPerStatementMax).map((event) => ({
            customer_id: event.customerId,
            idempotency_key: event.idempotencyKey,
            event_name: event.eventName,
            value: event.value,
            properties_json: JSON.stringify(event.properties),
            timestamp_ms: event.timestampMs,
            received_at_ms: event.receivedAtMs,
          })),
        )
        // A concurrent insert of the same key waits for the other to commit, then is skipped.
        .onConflict((conflict) => conflict.columns(["customer_id", "idempotency_key"]).doNothing())
        .returning(["customer_id", "idempotency_key"])
        .execute();
      for (const row of rows) inserted.add(`${row.customer_id}\u0000${row.idempotency_key}`);
    }
    return inserted;
  }

  async insertMeterValues(values: MeterValueRecord[]): Promise<void> {
    for (let start = 0; start < values.length; start += rowsPerStatementMax) {
      await this.#db
        .insertInto("usage_meter_values")
        .values(
          values.slice(start, start + rowsPerStatementMax).map((value) => ({
            customer_id: value.customerId,
            meter: value.meter,
            idempotency_key: value.idempotencyKey,
            timestamp_ms: value.timestampMs,
            value: value.value,
            unique_value: value.uniqueValue,
          })),
        )
        .execute();
    }
  }

  async aggregate(
    customerId: string,
    meter: Pick<Meter, "key" | "aggregation">,
    fromMs: number,
    toMs: number,
  ): Promise<number> {
    const aggregate = {
      count: sql<number | string | null>`count(*)`,
      sum: sql<number | string | null>`sum(value)`,
      max: sql<number | string | null>`max(value)`,
      unique: sql<number | string | null>`count(distinct unique_value)`,
    }[meter.aggregation];
    const row = await this.#db
      .selectFrom("usage_meter_values")
      .select(aggregate.as("total"))
      .where("customer_id", "=", customerId)
      .where("meter", "=", meter.key)
      .where("timestamp_ms", ">=", fromMs)
      .where("timestamp_ms", "<", toMs)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
