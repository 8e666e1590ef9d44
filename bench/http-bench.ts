import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { formatRate, type Row, ratio } from "./measure.js";

const connections = 50;
const durationSeconds = 5;

interface LoadResult {
  requestsPerSecond: number;
  latencyP99Ms: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: durationSeconds, headers });
  return {
    requestsPerSecond: result.requests.average,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}

/** An authenticated ledger read through the whole stack vs the barest Hono JSON route. */
export async function benchAuthenticatedGet(): Promise<Row> {
  const child = spawn("node_modules/.bin/tsx", ["bench/http-bench-server.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const { bareUrl, billhookUrl, secret, accountId } = JSON.parse(firstLine);
    await load(`${bareUrl}/hello`);
    const baseline = await load(`${bareUrl}/hello`);
    await load(`${billhookUrl}/v1/ledger/accounts/${accountId}`, { authorization: `Bearer ${secret}` });
    const measured = await load(`${billhookUrl}/v1/ledger/accounts/${accountId}`, {
      authorization: `Bearer ${secret}`,
    });
    if (measured.non2xx > 0)
      throw new Error(`${measured.non2xx} non-2xx answers from the authenticated route`);
    return {
      operation: `authenticated GET account, SQLite (${connections} conns)`,
      billhook: `${formatRate(measured.requestsPerSecond, "req/s")}, p99 ${measured.latencyP99Ms} ms`,
      baselineName: "bare Hono JSON route",
      baseline: `${formatRate(baseline.requestsPerSecond, "req/s")}, p99 ${baseline.latencyP99Ms} ms`,
      ratio: ratio(measured.requestsPerSecond, baseline.requestsPerSecond),
    };
  } finally {
    child.kill("SIGTERM");
  }
}
