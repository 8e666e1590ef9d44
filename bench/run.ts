/**
 * `npm run bench`: Billhook's figures next to a raw baseline measured in the same run on the same
 * machine, so the ratio means something on any hardware. PostgreSQL rows need BENCH_POSTGRES_URL or
 * the local default server.
 */
import pg from "pg";
import { benchCreditsPostgres, benchCreditsSqlite } from "./credits-bench.js";
import { benchHttp } from "./http-bench.js";
import { benchLedgerPostgres, benchLedgerSqlite } from "./ledger-bench.js";
import { printTable, type Row } from "./measure.js";
import { benchUsagePostgres, benchUsageSqlite } from "./usage-bench.js";
import { benchUsageSyncStripe } from "./usage-sync-bench.js";

const postgresUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `npm run bench -- credits http` runs only those groups (ledger, credits, usage, http, sync). */
const groups = process.argv.slice(2);
const wanted = (group: string) => groups.length === 0 || groups.includes(group);

const rows: Row[] = [];
if (wanted("ledger")) rows.push(await benchLedgerSqlite());
if (wanted("credits")) rows.push(await benchCreditsSqlite());
if (wanted("usage")) rows.push(...(await benchUsageSqlite()));
if (await postgresReachable()) {
  if (wanted("ledger")) rows.push(await benchLedgerPostgres(postgresUrl));
  if (wanted("credits")) rows.push(await benchCreditsPostgres(postgresUrl));
  if (wanted("usage")) rows.push(...(await benchUsagePostgres(postgresUrl)));
} else console.error(`PostgreSQL unreachable at ${postgresUrl}: its rows are skipped.`);
if (wanted("http")) rows.push(...(await benchHttp()));
if (wanted("sync")) rows.push(await benchUsageSyncStripe());
printTable(rows);
