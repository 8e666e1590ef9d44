/**
 * Calls back every so often: where the lease heartbeat gets its "later" from, injected like the
 * clock so a test decides when a beat happens (time itself is always read from the `Clock`).
 */
export interface Ticker {
  every(intervalMs: number, tick: () => Promise<void>): { stop(): void };
}

/** `setInterval`, unref'd where the runtime allows, so a heartbeat never keeps a process alive. */
export const intervalTicker: Ticker = {
  every(intervalMs, tick) {
    const timer = setInterval(() => void tick(), intervalMs);
    (timer as { unref?: () => void }).unref?.();
    return { stop: () => clearInterval(timer) };
  },
};

/**
 * A ticker that beats only when told to: the default in tests.
 *
 * @example
 * const ticker = new ManualTicker();
 * createBillhook({ storage, clock, ticker });
 * await ticker.tick(); // every heartbeat renews its lease now, at the clock's time
 */
export class ManualTicker implements Ticker {
  readonly #ticks = new Set<() => Promise<void>>();

  every(_intervalMs: number, tick: () => Promise<void>): { stop(): void } {
    this.#ticks.add(tick);
    return { stop: () => this.#ticks.delete(tick) };
  }

  /** Runs every registered callback once and waits for all of them. */
  async tick(): Promise<void> {
    await Promise.all([...this.#ticks].map((tick) => tick()));
  }

  /** How many callbacks are registered (a stopped heartbeat is not). */
  get size(): number {
    return this.#ticks.size;
  }
}
