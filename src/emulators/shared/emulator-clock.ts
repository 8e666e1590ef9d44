/** The time source the emulator reads; inject one to make runs reproducible. */
export interface EmulatorClock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: EmulatorClock = { now: () => new Date() };

/**
 * A clock that follows a base clock plus an offset that only grows, so tests can jump forward in time
 * (trial ends, renewals, dunning retries) without waiting.
 *
 * @example
 * const clock = new TestClock(systemClock);
 * clock.advanceSeconds(86_400); // one day later
 */
export class TestClock implements EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly base: EmulatorClock = systemClock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  advanceSeconds(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RangeError("seconds must be a finite number >= 0");
    this.offsetMs += Math.round(seconds * 1000);
    return this.now();
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Restores an offset from persisted state. */
  restoreOffsetSeconds(seconds: number): void {
    this.offsetMs = Math.round(seconds * 1000);
  }
}

/** A clock frozen at one instant until moved by a TestClock: handy as a deterministic base. */
export function fixedClock(at: Date): EmulatorClock {
  const frozenMs = at.getTime();
  return { now: () => new Date(frozenMs) };
}
