import type { RateWindowCounters, RateWindowRequest } from "./rate-limit-store.js";

/**
 * The sliding-window-counter estimate of requests in the last `windowMs`: the current fixed window's
 * count plus the previous one's, weighted by how much of it the sliding window still covers. It
 * assumes the previous window's requests were spread evenly; within any one fixed window the count
 * never exceeds the limit, whatever the traffic.
 *
 * @example
 * slidingEstimate({ previous: 10, current: 2 }, 60_000, 15_000); // 10 × 0.75 + 2 = 9.5
 */
export function slidingEstimate(counters: RateWindowCounters, windowMs: number, elapsedMs: number): number {
  return counters.previous * (1 - elapsedMs / windowMs) + counters.current;
}

/** Index of the fixed window `nowMs` falls in, and how far into it. */
export function windowPosition(windowMs: number, nowMs: number): { index: number; elapsedMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

/**
 * Milliseconds until one more request fits, assuming none is accepted meanwhile: first as the
 * previous window's weight fades, else in the next window, where today's count becomes the previous.
 */
export function msUntilAllowed(
  counters: RateWindowCounters,
  window: RateWindowRequest,
  elapsedMs: number,
): number {
  const { previous, current } = counters;
  const room = window.limit - 1;
  if (slidingEstimate(counters, window.windowMs, elapsedMs) <= room) return 0;
  if (current <= room && previous > 0) {
    const atMs = window.windowMs * (1 - (room - current) / previous);
    if (atMs < window.windowMs) return Math.max(0, atMs - elapsedMs);
  }
  const nextWindowMs = window.windowMs - elapsedMs;
  const intoNextMs = current > room ? window.windowMs * (1 - room / current) : 0;
  return nextWindowMs + intoNextMs;
}
