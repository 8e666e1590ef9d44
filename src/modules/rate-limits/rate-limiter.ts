import type { Clock, Logger } from "../../kernel/index.js";
import type { Catalog, RateLimitWindow } from "../catalog/index.js";
import type { RateLimitStore } from "./rate-limit-store.js";
import { msUntilAllowed, slidingEstimate, windowPosition } from "./sliding-window.js";

/** Where a customer stands on a rate-limited feature after one `check`; what the RateLimit headers say. */
export interface RateLimitStatus {
  allowed: boolean;
  /** The most constraining window (fewest requests left): its limit, what is left, when it rolls over. */
  limit: number;
  remaining: number;
  windowSeconds: number;
  resetSeconds: number;
  /** When refused: whole seconds until one more request fits (`Retry-After`); else null. */
  retryAfterSeconds: number | null;
  /** Every window of the feature, for `RateLimit-Policy`. */
  policy: Array<{ limit: number; windowSeconds: number }>;
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
}

/**
 * Request-rate limits per customer and feature, declared on the feature (`rateLimits`). Counted
 * with a sliding window counter in the given store; when the store fails (Redis down) requests are let
 * through and the failure logged: quotas and access are still enforced from the database.
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #catalog: Catalog;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: RateLimiterOptions) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  /**
   * Counts one request of the customer for the feature if every window has room; null when the
   * feature is not rate limited.
   *
   * @example
   * const status = await billhook.rateLimits.consume("user_1", "generate");
   * if (status && !status.allowed) retryLater(status.retryAfterSeconds);
   */
  async consume(customerId: string, feature: string): Promise<RateLimitStatus | null> {
    const windows = this.#catalog.findFeature(feature)?.rateLimits ?? [];
    if (windows.length === 0) return null;
    const nowMs = this.#clock.now().getTime();
    const key = `${encodeURIComponent(customerId)}:${feature}`;
    try {
      const { allowed, counters } = await this.#store.consume(key, windows, nowMs);
      return statusOf(windows, counters, allowed, nowMs);
    } catch (error) {
      this.#logger.warn(
        { customerId, feature, error: error instanceof Error ? error.message : String(error) },
        "rate-limit store unavailable; request let through",
      );
      return null;
    }
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

function statusOf(
  windows: readonly RateLimitWindow[],
  counters: Array<{ previous: number; current: number }>,
  allowed: boolean,
  nowMs: number,
): RateLimitStatus {
  let chosen = { window: windows[0]!, remaining: Number.POSITIVE_INFINITY, elapsedMs: 0 };
  let retryAfterMs = 0;
  for (const [index, window] of windows.entries()) {
    const { elapsedMs } = windowPosition(window.windowMs, nowMs);
    const seen = counters[index]!;
    const estimate = slidingEstimate(seen, window.windowMs, elapsedMs);
    const remaining = Math.max(0, Math.floor(window.limit - estimate));
    if (!allowed) retryAfterMs = Math.max(retryAfterMs, msUntilAllowed(seen, window, elapsedMs));
    if (remaining < chosen.remaining) chosen = { window, remaining, elapsedMs };
  }
  return {
    allowed,
    limit: chosen.window.limit,
    remaining: chosen.remaining,
    windowSeconds: chosen.window.windowMs / 1000,
    resetSeconds: Math.max(1, Math.ceil((chosen.window.windowMs - chosen.elapsedMs) / 1000)),
    retryAfterSeconds: allowed ? null : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    policy: windows.map((window) => ({ limit: window.limit, windowSeconds: window.windowMs / 1000 })),
  };
}
