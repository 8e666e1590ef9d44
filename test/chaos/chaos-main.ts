/**
 * `npm run chaos [-- --seconds N] [--clients N]`: the crash test against a local PostgreSQL
 * (`BILLHOOK_TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/test). Exits 1 unless exact.
 * `CHAOS_DUMP=<file>` also writes every operation (with its attempts) and every kill as JSON.
 */
import { parseArgs } from "node:util";
import { formatReport, runChaos } from "./chaos.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, clients: { type: "string", default: "32" } },
});
const report = await runChaos({
  seconds: Number(values.seconds),
  clients: Number(values.clients),
  postgresUrl: process.env.BILLHOOK_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  log: (line) => console.log(line),
});
console.log(formatReport(report));
process.exit(report.problems.length === 0 ? 0 : 1);
