/** One window asked of a store: at most `limit` per `windowMs`. */
export interface RateWindowRequest {
  limit: number;
  windowMs: number;
}

/** A window's two fixed-window counters as the store saw them (`current` after counting this request). */
export interface RateWindowCounters {
  previous: number;
  current: number;
}

export interface RateConsumeResult {
  allowed: boolean;
  /** One entry per requested window, in order. */
  counters: RateWindowCounters[];
}

/**
 * Where rate-limit counters live: in process (`MemoryRateLimitStore`) or shared by every instance
 * (Redis, `src/node/redis-rate-limit-store.ts`). Never the SQL database: this is the hot path.
 *
 * `consume` is atomic: it reads every window's previous and current counters, and only if each
 * window's sliding estimate (`slidingEstimate`) plus this request stays within its limit does it add
 * one to every current counter. A refused request counts nowhere.
 */
export interface RateLimitStore {
  consume(key: string, windows: readonly RateWindowRequest[], nowMs: number): Promise<RateConsumeResult>;
  close(): Promise<void>;
}
