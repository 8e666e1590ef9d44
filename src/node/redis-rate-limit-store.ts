import { Redis } from "ioredis";
import type { RateConsumeResult, RateLimitStore, RateWindowRequest } from "../modules/rate-limits/index.js";
import { windowPosition } from "../modules/rate-limits/index.js";

/**
 * The sliding-window-counter decision of `MemoryRateLimitStore`, run inside Redis so that reading
 * every window, deciding and counting is one atomic step for all instances sharing the server.
 * KEYS: per window its previous and current fixed-window counters. ARGV: the window count, then per
 * window its limit, the previous window's weight (1 - elapsed / window) and the counter's TTL in ms.
 * Returns { allowed (1|0), previous1, current1, previous2, current2, … }.
 */
const consumeScript = `
local windows = tonumber(ARGV[1])
local result = { 1 }
for i = 1, windows do
  local previous = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local current = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  local limit = tonumber(ARGV[3 * i - 1])
  local weight = tonumber(ARGV[3 * i])
  if previous * weight + current + 1 > limit then result[1] = 0 end
  result[2 * i] = previous
  result[2 * i + 1] = current
end
if result[1] == 1 then
  for i = 1, windows do
    result[2 * i + 1] = redis.call('INCR', KEYS[2 * i])
    redis.call('PEXPIRE', KEYS[2 * i], ARGV[3 * i + 1])
  end
end
return result
`;

export interface RedisRateLimitStoreOptions {
  /** `redis://…` or `rediss://…`. */
  url: string;
  /** Prefix of every key; one Redis can serve several Billhook deployments. */
  keyPrefix?: string;
  /**
   * A command not answered within this fails (and the request is let through): the check path must
   * stay fast. An answer that has arrived counts even when the process was too busy to read it in time.
   */
  commandTimeoutMs?: number;
}

type ConsumeCommand = (keyCount: number, ...keysAndArgs: Array<string | number>) => Promise<number[]>;

/**
 * Rate-limit counters shared by every instance through Redis (ioredis: EVALSHA with the script cached
 * and re-sent on NOSCRIPT, reconnects, and a command timeout). The keys of one customer and feature
 * share a hash tag, so the script also runs on Redis Cluster.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #consume: ConsumeCommand;
  readonly #commandTimeoutMs: number;

  constructor(options: RedisRateLimitStoreOptions) {
    // No ioredis `commandTimeout`: see `answeredWithin`.
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 1, lazyConnect: false });
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 500;
    // Errors surface on the commands (and are handled there); an unhandled 'error' event would crash.
    this.#redis.on("error", () => undefined);
    this.#redis.defineCommand("billhookRateConsume", { lua: consumeScript });
    this.#keyPrefix = options.keyPrefix ?? "billhook:rl:";
    const client = this.#redis as unknown as { billhookRateConsume: ConsumeCommand };
    this.#consume = client.billhookRateConsume.bind(this.#redis);
  }

  async consume(
    key: string,
    windows: readonly RateWindowRequest[],
    nowMs: number,
  ): Promise<RateConsumeResult> {
    const keys: string[] = [];
    const args: Array<string | number> = [windows.length];
    for (const window of windows) {
      const { index, elapsedMs } = windowPosition(window.windowMs, nowMs);
      const base = `${this.#keyPrefix}{${key}}:${window.windowMs}:`;
      keys.push(`${base}${index - 1}`, `${base}${index}`);
      // A counter must outlive its own window and the next, where it serves as "previous".
      args.push(window.limit, String(1 - elapsedMs / window.windowMs), 2 * window.windowMs + 1_000);
    }
    const reply = await answeredWithin(this.#consume(keys.length, ...keys, ...args), this.#commandTimeoutMs);
    return {
      allowed: Number(reply[0]) === 1,
      counters: windows.map((_, index) => ({
        previous: Number(reply[2 * index + 1]),
        current: Number(reply[2 * index + 2]),
      })),
    };
  }

  /** QUIT, bounded by the command timeout (a Redis that does not answer must not hold up shutdown). */
  async close(): Promise<void> {
    await answeredWithin(this.#redis.quit(), this.#commandTimeoutMs).catch(() => undefined);
    if (this.#redis.status !== "end") this.#redis.disconnect();
  }
}

/**
 * `answer`, or a "Command timed out" error once `timeoutMs` has passed without it. A busy event loop
 * runs due timers before it reads the sockets, so a plain timer (as ioredis's `commandTimeout`) refuses
 * an answer Redis gave within a millisecond whenever the process was blocked longer than the timeout,
 * and the request went through unchecked although Redis had counted it. Here the timer only decides
 * after that turn's reads (`setImmediate`), so an answer that has arrived wins.
 */
function answeredWithin<T>(answer: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const timer = setTimeout(
      () => setImmediate(() => settle(() => reject(new Error("Command timed out")))),
      timeoutMs,
    );
    answer.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
