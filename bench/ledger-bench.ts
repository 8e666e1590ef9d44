import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { ManualClock } from "../src/kernel/index.js";
import { Ledger } from "../src/modules/ledger/index.js";
import { withPostgresBench, withSqliteBench } from "./bench-databases.js";
import { comparisonRow, perSecond, type Row, runConcurrently, timeIt } from "./measure.js";

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
  return withSqliteBench(async (storage, directory) => {
    const ledger = new Ledger(storage, new ManualClock());
    for (let index = 0; index < 200; index++) await ledger.post(posting(index, "warm"));
    const seconds = await timeIt(async () => {
      for (let index = 0; index < postingsSqlite; index++) await ledger.post(posting(index, "run"));
    });

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
    return comparisonRow(
      "ledger post, SQLite (sequential, 1 tx each)",
      { rate: perSecond(postingsSqlite, seconds), unit: "posts/s" },
      { name: "prepared INSERT loop, one tx", rate: perSecond(rawCount, rawSeconds), unit: "rows/s" },
    );
  });
}

export async function benchLedgerPostgres(url: string): Promise<Row> {
  return withPostgresBench(url, postgresConcurrency, async (storage, admin, schema) => {
    const ledger = new Ledger(storage, new ManualClock());
    await runConcurrently(200, postgresConcurrency, async (index) => {
      await ledger.post(posting(index, "warm"));
    });
    const seconds = await timeIt(() =>
      runConcurrently(postingsPostgres, postgresConcurrency, async (index) => {
        await ledger.post(posting(index, "run"));
      }),
    );

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
    return comparisonRow(
      `ledger post, PostgreSQL (${postgresConcurrency} concurrent)`,
      { rate: perSecond(postingsPostgres, seconds), unit: "posts/s" },
      { name: "prepared INSERT loop, one tx", rate: perSecond(rawCount, rawSeconds), unit: "rows/s" },
    );
  });
}
