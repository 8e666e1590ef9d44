import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { randomBase62 } from "../../src/kernel/index.js";
import { openStorage } from "../../src/storage/open-storage.js";
import { bundleCli, ChaosCluster, spawnCli } from "./chaos-cluster.js";
import { type Operation, runLoad } from "./chaos-load.js";

export interface ChaosOptions {
  /** How long instances are killed and clients send work. */
  seconds: number;
  /** A PostgreSQL server URL; a fresh database is created on it and dropped afterwards. */
  postgresUrl: string;
  instances?: number;
  clients?: number;
  customers?: number;
  /** Credits granted to each customer at the start. */
  creditsPerCustomer?: number;
  log?: (line: string) => void;
}

export interface Distribution {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ChaosReport {
  seconds: number;
  kills: number;
  operations: number;
  spends: { acknowledged: number; refused: number; credits: number };
  events: { acknowledged: number; value: number };
  /** Operations whose attempt was cut by a kill: from the kill to the operation's resolution. */
  resolution: Distribution;
  /** For scale: operations that resolved at their first attempt, from start to answer. */
  requests: Distribution;
  /** From a kill until the restarted instance listened again. */
  restarts: Distribution;
  /** Handlers that ran a second time after a crash that had committed (harmless: the body key held). */
  rerunsAfterCrash: number;
  /** Every broken expectation; empty when the run is exact. */
  problems: string[];
}

const catalog = {
  credits: { images: { unit: "image" } },
  meters: { api_calls: { event: "api.request", aggregation: "sum", property: "value" } },
};

/**
 * The crash test: `instances` × `billhook serve` and a `billhook worker` on one fresh PostgreSQL
 * database, `clients` concurrent clients spending credits and sending usage with retries under one
 * Idempotency-Key per operation, and a random instance SIGKILLed (and restarted) every 1–3 s. Then
 * checks what must be exact: the ledger verifies, every balance is its grants minus the acknowledged
 * spends, every acknowledged event counts once and nothing else counts, no claim is left in flight.
 *
 * @example
 * const report = await runChaos({ seconds: 60, postgresUrl: "postgres://postgres@127.0.0.1:5432/test" });
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const database = `billhook_chaos_${randomBase62(10).toLowerCase()}`;
  const databaseUrl = withDatabase(options.postgresUrl, database);
  const cli = await bundleCli();
  const directory = mkdtempSync(join(tmpdir(), "billhook-chaos-"));
  const cluster = new ChaosCluster(cli.entry, {
    DATABASE_URL: databaseUrl,
    BILLHOOK_CONFIG: join(directory, "billhook.config.ts"),
  });
  try {
    await adminQuery(options.postgresUrl, `create database ${database}`);
    writeFileSync(join(directory, "billhook.config.ts"), `export default ${JSON.stringify({ catalog })};\n`);
    const customers = Array.from({ length: options.customers ?? 20 }, (_, index) => `chaos_user_${index}`);
    const grantedPerCustomer = options.creditsPerCustomer ?? 600;
    const serverKey = await seed(databaseUrl, customers, grantedPerCustomer);
    await cluster.start(options.instances ?? 3);
    log(
      `${cluster.instances.length} instances and a worker up on ${database}; chaos for ${options.seconds} s`,
    );

    const untilMs = Date.now() + options.seconds * 1000;
    const killing = killRandomly(cluster, untilMs);
    const operations = await runLoad({
      cluster,
      serverKey,
      customers,
      clients: options.clients ?? 32,
      untilMs,
      operationDeadlineMs: 120_000,
    });
    await killing;
    await cluster.settle();
    await cluster.stop();
    log(`${operations.length} operations, ${cluster.kills.length} kills; verifying`);
    if (process.env.CHAOS_DUMP)
      writeFileSync(process.env.CHAOS_DUMP, JSON.stringify({ kills: cluster.kills, operations }));
    const problems = await verify(cli.entry, databaseUrl, operations, customers, grantedPerCustomer);
    return report(options.seconds, cluster, operations, problems);
  } finally {
    await cluster.stop();
    await adminQuery(options.postgresUrl, `drop database if exists ${database} with (force)`);
    rmSync(directory, { recursive: true, force: true });
    cli.remove();
  }
}

async function seed(databaseUrl: string, customers: string[], credits: number): Promise<string> {
  const storage = openStorage({ databaseUrl });
  await storage.migrate();
  const billhook = createBillhook({ storage, config: resolveConfig({}, { catalog }) });
  try {
    for (const customerId of customers)
      await billhook.credits.grant({
        customerId,
        type: "images",
        amount: credits,
        idempotencyKey: "chaos-seed",
      });
    return (await billhook.apiKeys.create({ scope: "server", name: "chaos" })).secret;
  } finally {
    await billhook.close();
  }
}

/**
 * Every 1–3 s, SIGKILL one random running instance; it is restarted at once on the same port. One
 * instance is always left running (a kill waits while only one is up): a retry needs somewhere to go,
 * and a cluster with every instance down measures restarts, not retries.
 */
async function killRandomly(cluster: ChaosCluster, untilMs: number): Promise<void> {
  for (;;) {
    await new Promise((done) => setTimeout(done, 1_000 + Math.random() * 2_000));
    if (Date.now() >= untilMs) return;
    const running = cluster.instances.filter((instance) => instance.up);
    if (running.length < 2) continue;
    cluster.killAndRestart(running[Math.floor(Math.random() * running.length)]!, Date.now());
  }
}

async function verify(
  cliEntry: string,
  databaseUrl: string,
  operations: Operation[],
  customers: string[],
  granted: number,
): Promise<string[]> {
  const problems: string[] = [];
  for (const operation of operations.filter((operation) => operation.outcome === "failed"))
    problems.push(`${operation.kind} ${operation.key} did not resolve: ${operation.failure}`);

  const verifier = spawnCli(cliEntry, ["ledger", "verify"], {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "error",
  });
  let verifyOutput = "";
  verifier.stdout!.on("data", (chunk: Buffer) => (verifyOutput += chunk.toString()));
  verifier.stderr!.on("data", (chunk: Buffer) => (verifyOutput += chunk.toString()));
  const verifyCode = await new Promise<number | null>((done) => verifier.once("exit", done));
  if (verifyCode !== 0) problems.push(`billhook ledger verify exited ${verifyCode}: ${verifyOutput.trim()}`);

  const storage = openStorage({ databaseUrl });
  const billhook = createBillhook({
    storage,
    config: resolveConfig({}, { catalog }),
  });
  try {
    for (const customerId of customers) {
      const mine = operations.filter((operation) => operation.customerId === customerId);
      const sum = (kind: Operation["kind"]) =>
        mine
          .filter((operation) => operation.kind === kind && operation.outcome === "ok")
          .reduce((total, operation) => total + operation.amount, 0);
      const balance = await billhook.credits.available(customerId, "images");
      if (balance !== granted - sum("spend"))
        problems.push(`${customerId}: balance ${balance}, expected ${granted} - ${sum("spend")}`);
      const used = (await billhook.usage.quota(customerId, "api_calls")).used;
      if (used !== sum("usage")) problems.push(`${customerId}: usage ${used}, expected ${sum("usage")}`);
    }
    problems.push(...(await eachKeyOnce(storage.kysely, operations)));
  } finally {
    await billhook.close();
  }
  return problems;
}

/** Every acknowledged event is stored once, nothing else is; no Idempotency-Key claim is left in flight. */
async function eachKeyOnce(
  db: ReturnType<typeof openStorage>["kysely"],
  operations: Operation[],
): Promise<string[]> {
  const problems: string[] = [];
  const events = await db.selectFrom("usage_events").select(["idempotency_key"]).execute();
  const stored = new Set(events.map((row) => row.idempotency_key));
  const acknowledged = operations.filter(
    (operation) => operation.kind === "usage" && operation.outcome === "ok",
  );
  if (events.length !== acknowledged.length)
    problems.push(`${events.length} usage events stored, ${acknowledged.length} acknowledged`);
  for (const operation of acknowledged)
    if (!stored.has(operation.key)) problems.push(`acknowledged event ${operation.key} is missing`);
  const inFlight = await db
    .selectFrom("idempotency_keys")
    .select("idempotency_key")
    .where("state", "=", "in_flight")
    .execute();
  if (inFlight.length > 0) problems.push(`${inFlight.length} Idempotency-Key claim(s) left in flight`);
  return problems;
}

function report(
  seconds: number,
  cluster: ChaosCluster,
  operations: Operation[],
  problems: string[],
): ChaosReport {
  const ok = (kind: Operation["kind"]) =>
    operations.filter((operation) => operation.kind === kind && operation.outcome === "ok");
  const resolutionsMs: number[] = [];
  const uncutMs: number[] = [];
  for (const operation of operations) {
    if (operation.resolvedAtMs === undefined) continue;
    const cutAtMs = cutByKill(operation, cluster);
    if (cutAtMs !== null) resolutionsMs.push(operation.resolvedAtMs - cutAtMs);
    else if (operation.attempts.length === 1) uncutMs.push(operation.resolvedAtMs - operation.startedAtMs);
  }
  const restartsMs = cluster.kills.flatMap((kill) =>
    kill.upAgainAtMs === undefined ? [] : [kill.upAgainAtMs - kill.atMs],
  );
  return {
    seconds,
    kills: cluster.kills.length,
    operations: operations.length,
    spends: {
      acknowledged: ok("spend").length,
      refused: operations.filter((operation) => operation.outcome === "refused").length,
      credits: sum(ok("spend")),
    },
    events: { acknowledged: ok("usage").length, value: sum(ok("usage")) },
    resolution: distribution(resolutionsMs),
    requests: distribution(uncutMs),
    restarts: distribution(restartsMs),
    rerunsAfterCrash: operations.filter((operation) => operation.reranAfterCrash).length,
    problems,
  };
}

const sum = (operations: Operation[]) => operations.reduce((total, operation) => total + operation.amount, 0);

function distribution(valuesMs: number[]): Distribution {
  const sorted = [...valuesMs].sort((left, right) => left - right);
  const at = (fraction: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}

/** When a kill cut one of the operation's attempts (its connection failed while that instance died), or null. */
function cutByKill(operation: Operation, cluster: ChaosCluster): number | null {
  for (const attempt of operation.attempts) {
    if (attempt.status !== 0) continue;
    const kill = cluster.kills.find(
      (kill) =>
        kill.instance === attempt.instance &&
        kill.atMs >= attempt.startedAtMs &&
        kill.atMs <= attempt.endedAtMs,
    );
    if (kill) return kill.atMs;
  }
  return null;
}

const figures = (value: Distribution) =>
  `p50 ${value.p50Ms} ms, p99 ${value.p99Ms} ms, max ${value.maxMs} ms (${value.count})`;

export function formatReport(report: ChaosReport): string {
  const bar = report.resolution.p99Ms <= 5_000 ? "within" : "OVER";
  return [
    `chaos: ${report.seconds} s, ${report.kills} SIGKILLs, ${report.operations} operations`,
    `  spends: ${report.spends.acknowledged} acknowledged (${report.spends.credits} credits), ${report.spends.refused} refused (402)`,
    `  usage events: ${report.events.acknowledged} acknowledged (value ${report.events.value})`,
    `  time to resolution after a kill cut the request: ${figures(report.resolution)}; p99 ${bar} the 5 s bar`,
    `  for scale: a request no kill touched ${figures(report.requests)}; a restart ${figures(report.restarts)}`,
    `  handlers run again after a crash that had committed (the body's key held): ${report.rerunsAfterCrash}`,
    report.problems.length === 0
      ? "  exact: ledger verified; balances, usage totals and keys all match; no claim left in flight"
      : `  PROBLEMS (${report.problems.length}):\n    ${report.problems.slice(0, 20).join("\n    ")}`,
  ].join("\n");
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
