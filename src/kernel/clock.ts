/** Where every piece of Billhook reads the time from, so tests and emulators can move it. */
export interface Clock {
  now(): Date;
}

/** Durations in milliseconds, written once: `30 * dayMs`, never `30 * 24 * 60 * 60 * 1000`. */
export const secondMs = 1_000;
export const minuteMs = 60 * secondMs;
export const hourMs = 60 * minuteMs;
export const dayMs = 24 * hourMs;

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to: the default in tests.
 *
 * @example
 * const clock = new ManualClock(new Date("2026-01-01T00:00:00Z"));
 * clock.advance(60_000);
 */
export class ManualClock implements Clock {
  #epochMs: number;

  constructor(start: Date = new Date("2026-01-01T00:00:00.000Z")) {
    this.#epochMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#epochMs);
  }

  advance(durationMs: number): void {
    this.#epochMs += durationMs;
  }

  set(to: Date): void {
    this.#epochMs = to.getTime();
  }
}
