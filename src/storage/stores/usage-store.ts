import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Meter } from "../../modules/catalog/index.js";
import type { MeterValueRecord, UsageEventRecord, UsageStore } from "../../modules/usage/index.js";
import type { DialectName } from "../dialect.js";
import type { Schema } from "../schema.js";
import { type BulkInsertShape, bulkInsert, bulkInsertCount, bulkRowsPerStatementMax } from "./bulk-insert.js";

const eventsShape: BulkInsertShape = {
  table: "usage_events",
  columns: [
    ["customer_id", "text[]"],
    ["idempotency_key", "text[]"],
    ["event_name", "text[]"],
    ["value", "float8[]"],
    ["properties_json", "text[]"],
    ["timestamp_ms", "int8[]"],
    ["received_at_ms", "int8[]"],
  ],
  // A concurrent insert of the same key waits for the other to commit, then is skipped.
  suffix: "on conflict (customer_id, idempotency_key) do nothing returning customer_id, idempotency_key",
};
const eventsInsertShape: BulkInsertShape = {
  ...eventsShape,
  suffix: "on conflict (customer_id, idempotency_key) do nothing",
};

interface EventKeyRow {
  customer_id: string;
  idempotency_key: string;
}

const meterValuesShape: BulkInsertShape = {
  table: "usage_meter_values",
  columns: [
    ["customer_id", "text[]"],
    ["meter", "text[]"],
    ["idempotency_key", "text[]"],
    ["timestamp_ms", "int8[]"],
    ["value", "float8[]"],
    ["unique_value", "text[]"],
  ],
  suffix: "",
};

const outboxShape: BulkInsertShape = {
  table: "usage_sync_outbox",
  columns: [
    ["customer_id", "text[]"],
    ["idempotency_key", "text[]"],
    ["available_at_ms", "int8[]"],
    ["created_at_ms", "int8[]"],
  ],
  suffix: "",
};

const totalsColumns: BulkInsertShape["columns"] = [
  ["customer_id", "text[]"],
  ["meter", "text[]"],
  ["timestamp_ms", "int8[]"],
  ["event_count", "int8[]"],
  ["value_sum", "float8[]"],
  ["value_max", "float8[]"],
];
const totalsConflict = "on conflict (customer_id, meter, timestamp_ms) do update set";
const sqliteTotalsShape: BulkInsertShape = {
  table: "usage_meter_totals",
  columns: totalsColumns,
  suffix: `${totalsConflict} event_count = event_count + excluded.event_count, value_sum = value_sum + excluded.value_sum, value_max = max(value_max, excluded.value_max)`,
};
const postgresTotalsShape: BulkInsertShape = {
  table: "usage_meter_totals",
  columns: totalsColumns,
  suffix: `${totalsConflict} event_count = usage_meter_totals.event_count + excluded.event_count, value_sum = usage_meter_totals.value_sum + excluded.value_sum, value_max = greatest(usage_meter_totals.value_max, excluded.value_max)`,
};

interface MeterTotal {
  customerId: string;
  meter: string;
  timestampMs: number;
  count: number;
  sum: number;
  max: number;
}

/**
 * The batch's non-unique values folded per (customer, meter, timestamp), in key order: one statement
 * must not touch a key twice (PostgreSQL refuses), and concurrent batches lock keys in the same order.
 */
function totalsOf(values: MeterValueRecord[]): MeterTotal[] {
  const byKey = new Map<string, MeterTotal>();
  for (const value of values) {
    if (value.uniqueValue !== null) continue;
    const key = `${value.customerId}\u0000${value.meter}\u0000${value.timestampMs}`;
    const total = byKey.get(key);
    if (total) {
      total.count += 1;
      total.sum += value.value;
      if (value.value > total.max) total.max = value.value;
    } else
      byKey.set(key, {
        customerId: value.customerId,
        meter: value.meter,
        timestampMs: value.timestampMs,
        count: 1,
        sum: value.value,
        max: value.value,
      });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, total]) => total);
}

export class KyselyUsageStore implements UsageStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async insertEvents(events: UsageEventRecord[]): Promise<Set<string> | "all"> {
    const inserted = new Set<string>();
    let all = true;
    for (let start = 0; start < events.length; start += bulkRowsPerStatementMax) {
      const chunk = events.slice(start, start + bulkRowsPerStatementMax);
      const columns = [
        chunk.map((event) => event.customerId),
        chunk.map((event) => event.idempotencyKey),
        chunk.map((event) => event.eventName),
        chunk.map((event) => event.value),
        chunk.map((event) => JSON.stringify(event.properties)),
        chunk.map((event) => event.timestampMs),
        chunk.map((event) => event.receivedAtMs),
      ];
      const rows =
        this.#dialect === "sqlite"
          ? await this.#insertEventsSqlite(columns, chunk.length)
          : await bulkInsert<EventKeyRow>(this.#db, this.#dialect, eventsShape, columns, chunk.length);
      if (rows === "all") {
        for (const event of chunk) inserted.add(`${event.customerId}\u0000${event.idempotencyKey}`);
        continue;
      }
      all = false;
      for (const row of rows) inserted.add(`${row.customer_id}\u0000${row.idempotency_key}`);
    }
    return all ? "all" : inserted;
  }

  /**
   * Without RETURNING, which costs a result row per event although almost every batch is all new.
   * Only when some keys were already stored are the new rows read back: those above the largest rowid
   * seen before the insert. Exact because the caller's write transaction (BEGIN IMMEDIATE) holds
   * SQLite's one write lock, and usage events are never deleted, so new rowids only grow.
   */
  async #insertEventsSqlite(columns: unknown[][], rowCount: number): Promise<EventKeyRow[] | "all"> {
    const before = await this.#db.executeQuery<{ id: number }>(
      CompiledQuery.raw("select coalesce(max(rowid), 0) as id from usage_events"),
    );
    const rowidBefore = before.rows[0]?.id ?? 0;
    const changes = await bulkInsertCount(this.#db, "sqlite", eventsInsertShape, columns, rowCount);
    if (changes === rowCount) return "all";
    const fresh = await this.#db.executeQuery<EventKeyRow>(
      CompiledQuery.raw("select customer_id, idempotency_key from usage_events where rowid > ?", [
        rowidBefore,
      ]),
    );
    return fresh.rows;
  }

  /**
   * `unique` values are kept one per event (distinct values must stay countable); every other value
   * is folded into its (customer, meter, timestamp) total, so a batch touches one row per customer
   * and meter rather than one per event.
   */
  async insertMeterValues(values: MeterValueRecord[]): Promise<void> {
    const distinct = values.filter((value) => value.uniqueValue !== null);
    await this.#insertInChunks(meterValuesShape, distinct, [
      (value) => value.customerId,
      (value) => value.meter,
      (value) => value.idempotencyKey,
      (value) => value.timestampMs,
      (value) => value.value,
      (value) => value.uniqueValue,
    ]);
    const shape = this.#dialect === "postgres" ? postgresTotalsShape : sqliteTotalsShape;
    await this.#insertInChunks(shape, totalsOf(values), [
      (total) => total.customerId,
      (total) => total.meter,
      (total) => total.timestampMs,
      (total) => total.count,
      (total) => total.sum,
      (total) => total.max,
    ]);
  }

  async queueSync(
    events: ReadonlyArray<Pick<UsageEventRecord, "customerId" | "idempotencyKey">>,
    nowMs: number,
  ): Promise<void> {
    await this.#insertInChunks(
      outboxShape,
      [...events],
      [(event) => event.customerId, (event) => event.idempotencyKey, () => nowMs, () => nowMs],
    );
  }

  /** One multi-row INSERT per chunk, each column read from the items by its getter. */
  async #insertInChunks<T>(
    shape: BulkInsertShape,
    items: T[],
    columns: Array<(item: T) => unknown>,
  ): Promise<void> {
    for (let start = 0; start < items.length; start += bulkRowsPerStatementMax) {
      const chunk = items.slice(start, start + bulkRowsPerStatementMax);
      await bulkInsert(
        this.#db,
        this.#dialect,
        shape,
        columns.map((column) => chunk.map(column)),
        chunk.length,
      );
    }
  }

  async aggregate(
    customerId: string,
    meter: Pick<Meter, "key" | "aggregation">,
    fromMs: number,
    toMs: number,
  ): Promise<number> {
    if (meter.aggregation === "unique") {
      const row = await this.#db
        .selectFrom("usage_meter_values")
        .select(sql<number | string | null>`count(distinct unique_value)`.as("total"))
        .where("customer_id", "=", customerId)
        .where("meter", "=", meter.key)
        .where("timestamp_ms", ">=", fromMs)
        .where("timestamp_ms", "<", toMs)
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    }
    const aggregate = {
      count: sql<number | string | null>`sum(event_count)`,
      sum: sql<number | string | null>`sum(value_sum)`,
      max: sql<number | string | null>`max(value_max)`,
    }[meter.aggregation];
    const row = await this.#db
      .selectFrom("usage_meter_totals")
      .select(aggregate.as("total"))
      .where("customer_id", "=", customerId)
      .where("meter", "=", meter.key)
      .where("timestamp_ms", ">=", fromMs)
      .where("timestamp_ms", "<", toMs)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
