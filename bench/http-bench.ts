import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
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

async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ connections, duration: durationSeconds, ...options });
  return {
    requestsPerSecond: result.requests.average,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}

interface BenchServer {
  bareUrl: string;
  billhookUrl: string;
  secret: string;
  webhookSecret: string;
  accountId: string;
}

/** The servers run in a child process so the load generator does not share their event loop. */
async function withServer<T>(work: (server: BenchServer) => Promise<T>): Promise<T> {
  const child = spawn("node_modules/.bin/tsx", ["bench/http-bench-server.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    return await work(JSON.parse(firstLine));
  } finally {
    child.kill("SIGTERM");
  }
}

function row(
  operation: string,
  measured: LoadResult,
  baselineName: string,
  baseline: LoadResult | null,
): Row {
  if (measured.non2xx > 0) throw new Error(`${operation}: ${measured.non2xx} non-2xx answers`);
  return {
    operation,
    billhook: `${formatRate(measured.requestsPerSecond, "req/s")}, p99 ${measured.latencyP99Ms} ms`,
    baselineName,
    baseline: baseline
      ? `${formatRate(baseline.requestsPerSecond, "req/s")}, p99 ${baseline.latencyP99Ms} ms`
      : "-",
    ratio: baseline ? ratio(measured.requestsPerSecond, baseline.requestsPerSecond) : "-",
  };
}

/** Signs each intake request anew, with a fresh webhook-id, the way Polar does (UTF-8 key). */
function signedWebhookRequest(secret: string) {
  let sequence = 0;
  return (request: autocannon.Request) => {
    const id = `msg_bench_${process.pid}_${sequence++}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      type: "customer.updated",
      timestamp: new Date().toISOString(),
      data: { id },
    });
    const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64");
    return {
      ...request,
      method: "POST" as const,
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": `v1,${signature}`,
      },
    };
  };
}

/** Authenticated reads, `check`, and webhook intake, each next to the barest Hono JSON route. */
export async function benchHttp(): Promise<Row[]> {
  return withServer(async ({ bareUrl, billhookUrl, secret, webhookSecret, accountId }) => {
    const headers = { authorization: `Bearer ${secret}` };
    await load({ url: `${bareUrl}/hello` });
    const bare = await load({ url: `${bareUrl}/hello` });
    const accountUrl = `${billhookUrl}/v1/ledger/accounts/${accountId}`;
    await load({ url: accountUrl, headers, duration: 2 });
    const account = await load({ url: accountUrl, headers });
    const checkUrl = `${billhookUrl}/v1/entitlements/check?customerId=user_1&feature=export`;
    await load({ url: checkUrl, headers, duration: 2 });
    const check = await load({ url: checkUrl, headers });
    const intake = await load({
      url: `${billhookUrl}/v1/webhooks/polar`,
      requests: [{ setupRequest: signedWebhookRequest(webhookSecret) }],
    });
    return [
      row(`authenticated GET account, SQLite (${connections} conns)`, account, "bare Hono JSON route", bare),
      row(`check over HTTP, SQLite (${connections} conns)`, check, "bare Hono JSON route", bare),
      row("webhook intake: verify + store + ack, SQLite", intake, "bare Hono JSON route", bare),
    ];
  });
}
