import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { resolveConfig } from "../src/config/index.js";
import { ManualClock } from "../src/kernel/index.js";
import { Catalog } from "../src/modules/catalog/index.js";
import { Credits } from "../src/modules/credits/index.js";
import { Ledger } from "../src/modules/ledger/index.js";
import type { Storage } from "../src/storage/index.js";
import { withPostgresBench, withSqliteBench } from "./bench-databases.js";
import { comparisonRow, perSecond, type Row, runConcurrently, timeIt } from "./measure.js";

const spendsSqlite = 10_000;
const spendsPostgres = 4_000;
/** Callers spending from the one hot balance at once, on both databases. */
const concurrency = 16;
const customerId = "hot_customer";

function creditsOver(storage: Storage): Credits {
  const config = resolveConfig({}, { catalog: { credits: { credits: { unit: "credit" } } } });
  const clock = new ManualClock();
  return new Credits({
    access: storage,
    ledger: new Ledger(storage, clock),
    clock,
    catalog: new Catalog(config.catalog),
    settings: config.credits,
  });
}

async function prepare(credits: Credits, spends: number): Promise<void> {
  await credits.grant({ customerId, type: "credits", amount: spends + 1_000, idempotencyKey: "bench" });
  for (let index = 0; index < 200; index++) await spend(credits, `warm_${index}`);
}

async function spend(credits: Credits, key: string): Promise<void> {
  await credits.spend({ customerId, type: "credits", amount: 1, idempotencyKey: key });
}

/** Atomic spends on one hot balance vs a bare `UPDATE … SET balance = balance - 1 WHERE balance >= 1`. */
export async function benchCreditsSqlite(): Promise<Row> {
  return withSqliteBench(async (storage, directory) => {
    const credits = creditsOver(storage);
    await prepare(credits, spendsSqlite);
    const seconds = await timeIt(() =>
      runConcurrently(spendsSqlite, concurrency, (index) => spend(credits, `run_${index}`)),
    );

    const raw = new SqliteDatabase(join(directory, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.exec("create table balances (id integer primary key, balance integer not null)");
    const rawCount = 100_000;
    raw.prepare("insert into balances (id, balance) values (1, ?)").run(rawCount);
    const update = raw.prepare("update balances set balance = balance - 1 where id = 1 and balance >= 1");
    const rawSeconds = await timeIt(async () => {
      for (let index = 0; index < rawCount; index++) update.run();
    });
    raw.close();
    return comparisonRow(
      "credit spend, SQLite (one hot balance, 16 concurrent)",
      { rate: perSecond(spendsSqlite, seconds), unit: "spends/s" },
      { name: "conditional UPDATE, autocommit", rate: perSecond(rawCount, rawSeconds), unit: "updates/s" },
    );
  });
}

export async function benchCreditsPostgres(url: string): Promise<Row> {
  return withPostgresBench(url, concurrency, async (storage, admin, schema) => {
    const credits = creditsOver(storage);
    await prepare(credits, spendsPostgres);
    const seconds = await timeIt(() =>
      runConcurrently(spendsPostgres, concurrency, (index) => spend(credits, `run_${index}`)),
    );

    await admin.query(`create table ${schema}.raw_balances (id int primary key, balance bigint not null)`);
    const rawCount = 20_000;
    await admin.query(`insert into ${schema}.raw_balances values (1, ${rawCount})`);
    const pool = new pg.Pool({ connectionString: url, max: concurrency });
    const rawSeconds = await timeIt(() =>
      runConcurrently(rawCount, concurrency, async () => {
        await pool.query({
          name: "raw_spend",
          text: `update ${schema}.raw_balances set balance = balance - 1 where id = 1 and balance >= 1`,
        });
      }),
    );
    await pool.end();
    return comparisonRow(
      `credit spend, PostgreSQL (one hot balance, ${concurrency} concurrent)`,
      { rate: perSecond(spendsPostgres, seconds), unit: "spends/s" },
      { name: "conditional UPDATE, autocommit", rate: perSecond(rawCount, rawSeconds), unit: "updates/s" },
    );
  });
}
