import { CompiledQuery, type Kysely, sql } from "kysely";
import { assert } from "../../kernel/index.js";
import type { Meter } from "../../modules/catalog/index.js";
import type { MeterValueRecord, UsageEventRecord, UsageStore } from "../../modules/usage/index.js";
import type { DialectName } from "../dialect.js";
import type { Schema } from "../schema.js";
import { type BulkInsertShape, bulkInsertRows, bulkRowsPerStatementMax } from "./bulk-insert.js";

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
 * Nested maps rather than a joined string key: this runs once per ingested value.
 */
function totalsOf(values: MeterValueRecord[]): MeterTotal[] {
  const byCustomer = new Map<string, Map<string, Map<number, MeterTotal>>>();
  for (const value of values) {
    if (value.uniqueValue !== null) continue;
    let byMeter = byCustomer.get(value.customerId);
    if (!byMeter) {
      byMeter = new Map();
      byCustomer.set(value.customerId, byMeter);
    }
    let byTimestamp = byMeter.get(value.meter);
    if (!byTimestamp) {
      byTimestamp = new Map();
      byMeter.set(value.meter, byTimestamp);
    }
    const total = byTimestamp.get(value.timestampMs);
    if (total) {
      total.count += 1;
      total.sum += value.value;
      if (value.value > total.max) total.max = value.value;
    } else
      byTimestamp.set(value.timestampMs, {
        customerId: value.customerId,
        meter: value.meter,
        timestampMs: value.timestampMs,
        count: 1,
        sum: value.value,
        max: value.value,
      });
  }
  const totals: MeterTotal[] = [];
  for (const customerId of [...byCustomer.keys()].sort(compareText)) {
    const byMeter = byCustomer.get(customerId)!;
    for (const meter of [...byMeter.keys()].sort(compareText)) {
      const byTimestamp = byMeter.get(meter)!;
      for (const timestampMs of [...byTimestamp.keys()].sort((a, b) => a - b))
        totals.push(byTimestamp.get(timestampMs)!);
    }
  }
  return totals;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    const columnCount = eventsShape.columns.length;
    for (let start = 0; start < events.length; start += bulkRowsPerStatementMax) {
      const end = Math.min(events.length, start + bulkRowsPerStatementMax);
      const rowCount = end - start;
      const rowValues = new Array<unknown>(rowCount * columnCount);
      for (let index = start, at = 0; index < end; index++) {
        const event = events[index]!;
        rowValues[at++] = event.customerId;
        rowValues[at++] = event.idempotencyKey;
        rowValues[at++] = event.eventName;
        rowValues[at++] = event.value;
        rowValues[at++] = JSON.stringify(event.properties);
        rowValues[at++] = event.timestampMs;
        rowValues[at++] = event.receivedAtMs;
      }
      const rows =
        this.#dialect === "sqlite"
          ? await this.#insertEventsSqlite(rowValues, rowCount)
          : (await bulkInsertRows<EventKeyRow>(this.#db, this.#dialect, eventsShape, rowValues, rowCount))
              .rows;
      if (rows === "all") {
        for (let index = start; index < end; index++)
          inserted.add(`${events[index]!.customerId}\u0000${events[index]!.idempotencyKey}`);
        continue;
      }
      all = false;
      for (const row of rows) inserted.add(`${row.customer_id}\u0000${row.idempotency_key}`);
    }
    return all ? "all" : inserted;
  }

  /**
   * Without RETURNING, which costs a result row per event although almost every batch is all new.
   * Only when some keys were already stored are the new rows read back, by rowid: SQLite gives each
   * row a statement inserts the largest rowid so far plus one, so the n rows it inserted hold the n
   * rowids ending at its last insert rowid. Exact because the caller's write transaction (BEGIN
   * IMMEDIATE) holds SQLite's one write lock, and nothing else runs between the insert and the read.
   */
  async #insertEventsSqlite(rowValues: unknown[], rowCount: number): Promise<EventKeyRow[] | "all"> {
    const result = await bulkInsertRows(this.#db, "sqlite", eventsInsertShape, rowValues, rowCount);
    const changes = Number(result.numAffectedRows ?? 0);
    if (changes === rowCount) return "all";
    if (changes === 0) return [];
    const lastRowid = Number(result.insertId);
    const fresh = await this.#db.executeQuery<EventKeyRow>(
      CompiledQuery.raw(
        "select customer_id, idempotency_key from usage_events where rowid > ? and rowid <= ?",
        [lastRowid - changes, lastRowid],
      ),
    );
    // One INSERT statement under the write lock takes consecutive rowids (SQLite's documented behaviour
    // for a table without AUTOINCREMENT gaps while nothing else writes).
    assert(fresh.rows.length === changes, "usage_events: the rows just inserted hold consecutive rowids");
    return fresh.rows;
  }

  /**
   * `unique` values are kept one per event (distinct values must stay countable); every other value
   * is folded into its (customer, meter, timestamp) total, so a batch touches one row per customer
   * and meter rather than one per event.
   */
  async insertMeterValues(values: MeterValueRecord[]): Promise<void> {
    const distinct = values.filter((value) => value.uniqueValue !== null);
    await this.#insertInChunks(meterValuesShape, distinct, (value, row, at) => {
      row[at] = value.customerId;
      row[at + 1] = value.meter;
      row[at + 2] = value.idempotencyKey;
      row[at + 3] = value.timestampMs;
      row[at + 4] = value.value;
      row[at + 5] = value.uniqueValue;
    });
    const shape = this.#dialect === "postgres" ? postgresTotalsShape : sqliteTotalsShape;
    await this.#insertInChunks(shape, totalsOf(values), (total, row, at) => {
      row[at] = total.customerId;
      row[at + 1] = total.meter;
      row[at + 2] = total.timestampMs;
      row[at + 3] = total.count;
      row[at + 4] = total.sum;
      row[at + 5] = total.max;
    });
  }

  async queueSync(
    events: ReadonlyArray<Pick<UsageEventRecord, "customerId" | "idempotencyKey">>,
    nowMs: number,
  ): Promise<void> {
    await this.#insertInChunks(outboxShape, events, (event, row, at) => {
      row[at] = event.customerId;
      row[at + 1] = event.idempotencyKey;
      row[at + 2] = nowMs;
      row[at + 3] = nowMs;
    });
  }

  /** One multi-row INSERT per chunk; `write` puts an item's values in `row` from `at`, in column order. */
  async #insertInChunks<T>(
    shape: BulkInsertShape,
    items: ReadonlyArray<T>,
    write: (item: T, row: unknown[], at: number) => void,
  ): Promise<void> {
    const columnCount = shape.columns.length;
    for (let start = 0; start < items.length; start += bulkRowsPerStatementMax) {
      const end = Math.min(items.length, start + bulkRowsPerStatementMax);
      const rowValues = new Array<unknown>((end - start) * columnCount);
      for (let index = start, at = 0; index < end; index++, at += columnCount)
        write(items[index]!, rowValues, at);
      await bulkInsertRows(this.#db, this.#dialect, shape, rowValues, end - start);
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
