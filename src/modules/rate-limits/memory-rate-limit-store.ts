import type {
  RateConsumeResult,
  RateLimitStore,
  RateWindowCounters,
  RateWindowRequest,
} from "./rate-limit-store.js";
import { slidingEstimate, windowPosition } from "./sliding-window.js";

interface Slot {
  index: number;
  previous: number;
  current: number;
}

/** Consumes between sweeps of counters whose windows have passed. */
const sweepEveryConsumes = 10_000;

/**
 * Counters in this process: exact for one instance; several instances each count their own share, so
 * give them a shared store (Redis) instead. JavaScript runs `consume` to completion, so it is atomic.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #slots = new Map<string, Slot>();
  #consumesSinceSweep = 0;

  async consume(
    key: string,
    windows: readonly RateWindowRequest[],
    nowMs: number,
  ): Promise<RateConsumeResult> {
    if (++this.#consumesSinceSweep >= sweepEveryConsumes) this.#sweep(nowMs);
    const slots = windows.map((window) => this.#slotOf(`${key}\u0000${window.windowMs}`, window, nowMs));
    const allowed = windows.every((window, index) => {
      const { elapsedMs } = windowPosition(window.windowMs, nowMs);
      return slidingEstimate(slots[index]!, window.windowMs, elapsedMs) + 1 <= window.limit;
    });
    if (allowed) for (const slot of slots) slot.current += 1;
    const counters: RateWindowCounters[] = slots.map((slot) => ({
      previous: slot.previous,
      current: slot.current,
    }));
    return { allowed, counters };
  }

  async close(): Promise<void> {
    this.#slots.clear();
  }

  #slotOf(id: string, window: RateWindowRequest, nowMs: number): Slot {
    const { index } = windowPosition(window.windowMs, nowMs);
    const slot = this.#slots.get(id);
    if (!slot) {
      const fresh = { index, previous: 0, current: 0 };
      this.#slots.set(id, fresh);
      return fresh;
    }
    if (slot.index !== index) {
      slot.previous = slot.index === index - 1 ? slot.current : 0;
      slot.current = 0;
      slot.index = index;
    }
    return slot;
  }

  #sweep(nowMs: number): void {
    this.#consumesSinceSweep = 0;
    for (const [id, slot] of this.#slots) {
      const windowMs = Number(id.slice(id.lastIndexOf("\u0000") + 1));
      if (slot.index < Math.floor(nowMs / windowMs) - 1) this.#slots.delete(id);
    }
  }
}
