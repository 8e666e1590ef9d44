import { BillhookApiError, BillhookUnavailableError, toApiError } from "./errors.js";

/** Bounds on retrying one call: attempts include the first; waits grow exponentially, with jitter. */
export interface RetryPolicy {
  attemptsMax: number;
  delayMsBase: number;
  delayMsMax: number;
}

export const defaultRetryPolicy: RetryPolicy = { attemptsMax: 4, delayMsBase: 100, delayMsMax: 2_000 };

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface Transport {
  baseUrl: string;
  apiKey: string;
  fetch: FetchFunction;
  timeoutMs: number;
  /** One attempt gives up after this and, time left, is retried: a hung server is not a dead call. */
  attemptTimeoutMs: number;
  retry: RetryPolicy;
}

/** Per-call options every method accepts. */
export interface CallOptions {
  /** The whole call, retries included, ends within this (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Writes only: your own key, e.g. derived from a job id; by default a fresh UUID per call. */
  idempotencyKey?: string;
}

export interface ApiCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The key to send as `Idempotency-Key` on every attempt (writes). */
  idempotencyKey?: string;
}

/** A fresh idempotency key; `crypto.randomUUID` exists on Node, browsers, Deno, Bun and Workers. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Sends one API call: retries network failures, 5xx and 409 `IDEMPOTENCY_IN_FLIGHT` with the same
 * `Idempotency-Key`, so a write takes effect once however many attempts it needs.
 *
 * @example
 * const page = await send<EntitlementList>(transport, { method: "GET", path: "/v1/customers/u1/entitlements" });
 */
export async function send<T>(transport: Transport, call: ApiCall, options: CallOptions = {}): Promise<T> {
  const deadline = abortAfter(options.timeoutMs ?? transport.timeoutMs, options.signal);
  try {
    return await attempts<T>(transport, call, options, deadline.signal);
  } finally {
    deadline.clear();
  }
}

async function attempts<T>(
  transport: Transport,
  call: ApiCall,
  options: CallOptions,
  signal: AbortSignal,
): Promise<T> {
  const url = urlOf(transport.baseUrl, call);
  // Serialized once: every attempt must send identical bytes, or the server sees a different request.
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const { attemptsMax } = transport.retry;
  let lastFailure: unknown;
  for (let attempt = 1; attempt <= attemptsMax; attempt++) {
    const attemptTimer = abortAfter(transport.attemptTimeoutMs, signal);
    try {
      const response = await transport.fetch(url, requestInit(transport, call, body, attemptTimer.signal));
      if (response.ok) return (await response.json()) as T;
      const error = await toApiError(response);
      if (!isRetryable(error) || attempt === attemptsMax) throw error;
      lastFailure = error;
    } catch (error) {
      if (error instanceof BillhookApiError) throw error;
      if (options.signal?.aborted) throw options.signal.reason;
      if (signal.aborted) throw unavailable(attempt, true, lastFailure ?? error);
      lastFailure = error;
    } finally {
      attemptTimer.clear();
    }
    if (attempt === attemptsMax) break;
    const waited = await sleep(backoffMs(transport.retry, attempt), signal);
    if (!waited) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw unavailable(attempt, true, lastFailure);
    }
  }
  if (lastFailure instanceof BillhookApiError) throw lastFailure;
  throw unavailable(attemptsMax, false, lastFailure);
}

/**
 * A signal that aborts after `ms`, or as soon as `parent` does. A plain timer holds it, so it cannot be
 * garbage-collected before it fires — a risk with `AbortSignal.timeout` inside `AbortSignal.any`, which
 * would leave a hung request running past its timeout.
 */
function abortAfter(ms: number, parent?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation timed out.", "TimeoutError")),
    ms,
  );
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}

function isRetryable(error: BillhookApiError): boolean {
  return error.status >= 500 || error.code === "IDEMPOTENCY_IN_FLIGHT";
}

function unavailable(attempts: number, timedOut: boolean, cause: unknown): BillhookUnavailableError {
  if (cause instanceof BillhookApiError)
    return new BillhookUnavailableError(cause.message, { attempts, timedOut, cause });
  const reason = timedOut ? "timed out" : "could not be reached";
  return new BillhookUnavailableError(`Billhook ${reason} after ${attempts} attempt(s).`, {
    attempts,
    timedOut,
    cause,
  });
}

/** Equal jitter: at least half the exponential step, so clients that failed together spread out. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const step = Math.min(policy.delayMsMax, policy.delayMsBase * 2 ** (attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function urlOf(baseUrl: string, call: ApiCall): string {
  // Relative to the base, so a base with a path prefix (`https://api.example.com/billing`) keeps it.
  const url = new URL(call.path.replace(/^\//, ""), baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

function requestInit(
  transport: Transport,
  call: ApiCall,
  body: string | undefined,
  signal: AbortSignal,
): RequestInit {
  const headers: Record<string, string> = {
    accept: "application/json",
    authorization: `Bearer ${transport.apiKey}`,
  };
  if (call.idempotencyKey !== undefined) headers["idempotency-key"] = call.idempotencyKey;
  if (body === undefined) return { method: call.method, headers, signal };
  headers["content-type"] = "application/json";
  return { method: call.method, headers, body, signal };
}
