import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { ManualClock } from "../src/kernel/index.js";
import { Ledger } from "../src/modules/ledger/index.js";
import { openStorage } from "../src/storage/open-storage.js";
import { formatRate, perSecond, type Row, ratio, runConcurrently, timeIt } from "./measure.js";

const postingsSqlite = 5_000;
const postingsPostgres = 3_000;
const postgresConcurrency = 16;

function posting(index: number, run: string) {
  return {
    id: `bench_${run}_${index}`,
    entries: [
      { account: { kind: "clearing", ownerId: "", currency: "USD" }, amountMinor: -100 },
      { account: { kind: "wallet", ownerId: `user_${index % 100}`, currency: "USD" }, amountMinor: 100 },
    ],
  };
}

/** Ledger posts (each: header, 2 entries, 2 balance upserts, idempotency check) vs raw row inserts. */
export async function benchLedgerSqlite(): Promise<Row> {
  const directory = mkdtempSync(join(tmpdir(), "billhook-bench-"));
  try {
    const storage = openStorage({ databaseUrl: join(directory, "ledger.db") });
    await storage.migrate();
    const ledger = new Ledger(storage, new ManualClock());
    for (let index = 0; index < 200; index++) await ledger.post(posting(index, "warm"));
    const seconds = await timeIt(async () => {
      for (let index = 0; index < postingsSqlite; index++) await ledger.post(posting(index, "run"));
    });
    await storage.close();

    const raw = new SqliteDatabase(join(directory, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.exec("create table rows (id integer primary key, account text not null, amount integer not null)");
    const insert = raw.prepare("insert into rows (account, amount) values (?, ?)");
    const rawCount = 200_000;
    const rawSeconds = await timeIt(async () => {
      raw.transaction(() => {
        for (let index = 0; index < rawCount; index++) insert.run(`user_${index % 100}`, 100);
      })();
    });
    raw.close();
    const ours = perSecond(postingsSqlite, seconds);
    const baseline = perSecond(rawCount, rawSeconds);
    return {
      operation: "ledger post, SQLite (sequential, 1 tx each)",
      billhook: formatRate(ours, "posts/s"),
      baselineName: "prepared INSERT loop, one tx",
      baseline: formatRate(baseline, "rows/s"),
      ratio: ratio(ours, baseline),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function benchLedgerPostgres(url: string): Promise<Row> {
  const schema = `bh_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const storage = openStorage({
      databaseUrl: url,
      postgresSchema: schema,
      poolSizeMax: postgresConcurrency,
    });
    await storage.migrate();
    const ledger = new Ledger(storage, new ManualClock());
    await runConcurrently(200, postgresConcurrency, async (index) => {
      await ledger.post(posting(index, "warm"));
    });
    const seconds = await timeIt(() =>
      runConcurrently(postingsPostgres, postgresConcurrency, async (index) => {
        await ledger.post(posting(index, "run"));
      }),
    );
    await storage.close();

    await admin.query(
      `create table ${schema}.raw_rows (id bigserial primary key, account text not null, amount bigint not null)`,
    );
    const rawCount = 20_000;
    const rawSeconds = await timeIt(async () => {
      await admin.query("begin");
      for (let index = 0; index < rawCount; index++) {
        await admin.query({
          name: "raw_insert",
          text: `insert into ${schema}.raw_rows (account, amount) values ($1, $2)`,
          values: [`user_${index % 100}`, 100],
        });
      }
      await admin.query("commit");
    });
    const ours = perSecond(postingsPostgres, seconds);
    const baseline = perSecond(rawCount, rawSeconds);
    return {
      operation: `ledger post, PostgreSQL (${postgresConcurrency} concurrent)`,
      billhook: formatRate(ours, "posts/s"),
      baselineName: "prepared INSERT loop, one tx",
      baseline: formatRate(baseline, "rows/s"),
      ratio: ratio(ours, baseline),
    };
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
