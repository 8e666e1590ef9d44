import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { resolveConfig } from "../src/config/index.js";
import { ManualClock } from "../src/kernel/index.js";
import { Catalog } from "../src/modules/catalog/index.js";
import { Usage, type UsageEventInput } from "../src/modules/usage/index.js";
import type { Storage } from "../src/storage/index.js";
import { withPostgresBench, withSqliteBench } from "./bench-databases.js";
import { comparisonRow, perSecond, type Row, runConcurrently, timeIt } from "./measure.js";

const singleEvents = 5_000;
const batchSize = 1_000;
const batches = 20;
const postgresConcurrency = 16;

function usageOver(storage: Storage): Usage {
  const config = resolveConfig(
    {},
    { catalog: { meters: { tokens: { event: "llm.completion", aggregation: "sum", property: "tokens" } } } },
  );
  return new Usage({
    access: storage,
    clock: new ManualClock(),
    catalog: new Catalog(config.catalog),
    settings: config.usage,
    // Counted in the figures: every new event also writes its sync outbox row.
    queueSync: true,
  });
}

function event(index: number, prefix: string): UsageEventInput {
  return {
    customerId: `customer_${index % 100}`,
    event: "llm.completion",
    properties: { tokens: 100 + (index % 50) },
    idempotencyKey: `${prefix}_${index}`,
  };
}

function batchOf(batch: number, prefix: string): UsageEventInput[] {
  return Array.from({ length: batchSize }, (_, index) => event(batch * batchSize + index, prefix));
}

/** Ingest one event per call and 1,000 per call vs bare `INSERT … ON CONFLICT DO NOTHING` on SQLite. */
export async function benchUsageSqlite(): Promise<Row[]> {
  return withSqliteBench(async (storage, directory) => {
    const usage = usageOver(storage);
    const singleSeconds = await timeIt(async () => {
      for (let index = 0; index < singleEvents; index++) await usage.ingest([event(index, "single")]);
    });
    const batchSeconds = await timeIt(async () => {
      for (let batch = 0; batch < batches; batch++) await usage.ingest(batchOf(batch, "batch"));
    });

    const raw = new SqliteDatabase(join(directory, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.exec("create table events (customer_id text, key text, tokens int, primary key (customer_id, key))");
    const insert = raw.prepare("insert into events values (?, ?, ?) on conflict do nothing");
    const rawSingleSeconds = await timeIt(async () => {
      for (let index = 0; index < singleEvents; index++)
        insert.run(`customer_${index % 100}`, `s_${index}`, 100);
    });
    const insertMany = raw.transaction((rows: UsageEventInput[]) => {
      for (const row of rows) insert.run(row.customerId, row.idempotencyKey, 100);
    });
    const rawBatchSeconds = await timeIt(async () => {
      for (let batch = 0; batch < batches; batch++) insertMany(batchOf(batch, "b"));
    });
    raw.close();
    return [
      comparisonRow(
        "usage ingest, SQLite (1 event per call, sequential)",
        { rate: perSecond(singleEvents, singleSeconds), unit: "events/s" },
        {
          name: "INSERT ON CONFLICT, autocommit",
          rate: perSecond(singleEvents, rawSingleSeconds),
          unit: "rows/s",
        },
      ),
      comparisonRow(
        "usage ingest + sync outbox, SQLite (1,000 events per call)",
        { rate: perSecond(batches * batchSize, batchSeconds), unit: "events/s" },
        {
          name: "same INSERTs, one transaction",
          rate: perSecond(batches * batchSize, rawBatchSeconds),
          unit: "rows/s",
        },
      ),
    ];
  });
}

export async function benchUsagePostgres(url: string): Promise<Row[]> {
  return withPostgresBench(url, postgresConcurrency, async (storage, admin, schema) => {
    const usage = usageOver(storage);
    const singleSeconds = await timeIt(() =>
      runConcurrently(singleEvents, postgresConcurrency, (index) =>
        usage.ingest([event(index, "single")]).then(() => undefined),
      ),
    );
    const batchSeconds = await timeIt(() =>
      runConcurrently(batches, 4, (batch) => usage.ingest(batchOf(batch, "batch")).then(() => undefined)),
    );

    await admin.query(
      `create table ${schema}.raw_events (customer_id text, key text, tokens int, primary key (customer_id, key))`,
    );
    const pool = new pg.Pool({ connectionString: url, max: postgresConcurrency });
    const insert = `insert into ${schema}.raw_events values ($1, $2, $3) on conflict do nothing`;
    const rawSingleSeconds = await timeIt(() =>
      runConcurrently(singleEvents, postgresConcurrency, async (index) => {
        await pool.query(insert, [`customer_${index % 100}`, `s_${index}`, 100]);
      }),
    );
    const rawBatchSeconds = await timeIt(() =>
      runConcurrently(batches, 4, async (batch) => {
        const rows = batchOf(batch, "b");
        await pool.query(
          `insert into ${schema}.raw_events select * from unnest($1::text[], $2::text[], $3::int[]) on conflict do nothing`,
          [rows.map((row) => row.customerId), rows.map((row) => row.idempotencyKey), rows.map(() => 100)],
        );
      }),
    );
    await pool.end();
    return [
      comparisonRow(
        `usage ingest, PostgreSQL (1 event per call, ${postgresConcurrency} concurrent)`,
        { rate: perSecond(singleEvents, singleSeconds), unit: "events/s" },
        {
          name: "INSERT ON CONFLICT, autocommit",
          rate: perSecond(singleEvents, rawSingleSeconds),
          unit: "rows/s",
        },
      ),
      comparisonRow(
        "usage ingest + sync outbox, PostgreSQL (1,000 events per call, 4 concurrent)",
        { rate: perSecond(batches * batchSize, batchSeconds), unit: "events/s" },
        {
          name: "one unnest INSERT per batch",
          rate: perSecond(batches * batchSize, rawBatchSeconds),
          unit: "rows/s",
        },
      ),
    ];
  });
}
