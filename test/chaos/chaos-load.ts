import { randomBase62 } from "../../src/kernel/index.js";
import type { ChaosCluster, ServeInstance } from "./chaos-cluster.js";

/** One client operation, retried with the same Idempotency-Key (header and body) until it resolves. */
export interface Operation {
  kind: "spend" | "usage";
  key: string;
  customerId: string;
  /** Credits spent, or the usage event's value. */
  amount: number;
  startedAtMs: number;
  attempts: Attempt[];
  /** How it ended: `ok` = 200 (spent or recorded), `refused` = 402 (nothing spent). */
  outcome?: "ok" | "refused" | "failed";
  resolvedAtMs?: number;
  /** The handler ran again after a crash that had already committed (the body says `replayed: true`). */
  reranAfterCrash?: boolean;
  failure?: string;
}

export interface Attempt {
  instance: number;
  startedAtMs: number;
  endedAtMs: number;
  /** HTTP status, or 0 when the connection failed (refused, reset by a kill). */
  status: number;
}

export interface LoadOptions {
  cluster: ChaosCluster;
  serverKey: string;
  customers: string[];
  clients: number;
  /** New operations start until then; the ones running finish (resolve) after it. */
  untilMs: number;
  /** An operation still unresolved this long after it started is a failure of the run. */
  operationDeadlineMs: number;
}

const attemptTimeoutMs = 15_000;
const retryDelayMsBase = 50;
const retryDelayMsMax = 250;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * Runs `clients` concurrent clients, each doing one operation after another — a credit spend or a
 * usage event, half and half — against a random live instance per attempt, and returns every
 * operation with its attempts. Retries use a short capped back-off, so what is measured is how soon
 * the server lets a retry resolve, not how patient the client is.
 */
export async function runLoad(options: LoadOptions): Promise<Operation[]> {
  const operations: Operation[] = [];
  const client = async () => {
    while (Date.now() < options.untilMs) {
      const operation = newOperation(options.customers);
      operations.push(operation);
      await resolveOperation(operation, options);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return operations;
}

function newOperation(customers: string[]): Operation {
  const kind = Math.random() < 0.5 ? "spend" : "usage";
  return {
    kind,
    key: `chaos-${kind}-${randomBase62(16)}`,
    customerId: pick(customers),
    amount: 1 + Math.floor(Math.random() * 3),
    startedAtMs: Date.now(),
    attempts: [],
  };
}

function requestOf(operation: Operation): { path: string; body: string } {
  if (operation.kind === "spend") {
    const body = { customerId: operation.customerId, type: "images", amount: operation.amount };
    return { path: "/v1/credits/spend", body: JSON.stringify({ ...body, idempotencyKey: operation.key }) };
  }
  const event = { customerId: operation.customerId, event: "api.request", value: operation.amount };
  return { path: "/v1/usage", body: JSON.stringify({ ...event, idempotencyKey: operation.key }) };
}

async function resolveOperation(operation: Operation, options: LoadOptions): Promise<void> {
  const { path, body } = requestOf(operation);
  for (let attempt = 1; ; attempt++) {
    if (Date.now() - operation.startedAtMs > options.operationDeadlineMs) {
      operation.outcome = "failed";
      operation.failure = `unresolved after ${attempt - 1} attempts`;
      return;
    }
    const up = options.cluster.instances.filter((instance) => instance.up);
    if (up.length === 0) {
      await sleep(retryDelayMsBase);
      continue;
    }
    const instance = pick(up);
    const answer = await send(instance, path, body, operation, options.serverKey);
    if (answer.status === 200 || answer.status === 402) {
      operation.outcome = answer.status === 200 ? "ok" : "refused";
      operation.resolvedAtMs = Date.now();
      // Not a replay of the stored answer, yet the operation had already happened: the first attempt
      // committed and died before its answer was stored, and the retry ran the handler again.
      const result = answer.json as { replayed?: boolean; duplicates?: number } | null;
      operation.reranAfterCrash =
        !answer.replayedHeader && (result?.replayed === true || (result?.duplicates ?? 0) > 0);
      return;
    }
    const retryable = answer.status === 0 || answer.status >= 500 || answer.code === "IDEMPOTENCY_IN_FLIGHT";
    if (!retryable) {
      operation.outcome = "failed";
      operation.failure = `${answer.status} ${answer.code ?? ""}`;
      return;
    }
    const stepMs = Math.min(retryDelayMsMax, retryDelayMsBase * 2 ** (attempt - 1));
    await sleep(stepMs / 2 + Math.random() * (stepMs / 2));
  }
}

async function send(
  instance: ServeInstance,
  path: string,
  body: string,
  operation: Operation,
  serverKey: string,
): Promise<{ status: number; code?: string; json?: unknown; replayedHeader: boolean }> {
  const startedAtMs = Date.now();
  const record = (status: number) =>
    operation.attempts.push({ instance: instance.index, startedAtMs, endedAtMs: Date.now(), status });
  try {
    const response = await fetch(`${instance.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${serverKey}`,
        "content-type": "application/json",
        "idempotency-key": operation.key,
      },
      body,
      signal: AbortSignal.timeout(attemptTimeoutMs),
    });
    const json = (await response.json().catch(() => null)) as { code?: string } | null;
    record(response.status);
    return {
      status: response.status,
      ...(json?.code ? { code: json.code } : {}),
      json,
      replayedHeader: response.headers.get("idempotency-replayed") === "true",
    };
  } catch {
    record(0);
    return { status: 0, replayedHeader: false };
  }
}
