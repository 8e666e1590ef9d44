import { BillhookError, type Clock, type Logger, systemClock } from "../kernel/index.js";

/** How often Billhook reads the emulator's clock: the most a jump of the test clock goes unseen. */
export const emulatorClockRefreshMs = 250;
/** How long start-up keeps trying to reach the emulator before it gives up. */
const startTimeoutMs = 10_000;
const requestTimeoutMs = 2_000;

/**
 * Billhook's time when it runs against an emulator in another process (`BILLHOOK_CLOCK=emulator`):
 * this machine's wall clock plus the emulator's test-clock offset, read from `GET /_emulator/clock`
 * every `emulatorClockRefreshMs`. The offset only grows (the emulator's clock never goes back), so
 * this clock never runs backwards either, and between two reads it is at most one period behind a
 * jump. A failed read keeps the last offset and is logged once until a read works again.
 *
 * @example
 * const clock = await EmulatorClock.follow("http://127.0.0.1:12111", logger);
 * clock.now(); // the emulator's time
 * clock.stop();
 */
export class EmulatorClock implements Clock {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #wallClock: Clock;
  #offsetMs = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #failing = false;
  #reading = false;

  private constructor(url: string, logger: Logger, wallClock: Clock) {
    this.#url = `${url.replace(/\/$/, "")}/_emulator/clock`;
    this.#logger = logger;
    this.#wallClock = wallClock;
  }

  /** Reads the emulator's clock once (retrying while it starts), then keeps following it. */
  static async follow(
    emulatorUrl: string,
    logger: Logger,
    options: { refreshMs?: number; wallClock?: Clock } = {},
  ): Promise<EmulatorClock> {
    const clock = new EmulatorClock(emulatorUrl, logger, options.wallClock ?? systemClock);
    const deadlineMs = Date.now() + startTimeoutMs;
    for (;;) {
      try {
        await clock.refresh();
        break;
      } catch (error) {
        if (Date.now() >= deadlineMs) {
          throw new BillhookError(
            "CONFIG_INVALID",
            `BILLHOOK_CLOCK=emulator: cannot read the emulator's clock at ${clock.#url}: ${describe(error)}`,
          );
        }
        await new Promise((done) => setTimeout(done, 200));
      }
    }
    const timer = setInterval(() => void clock.#poll(), options.refreshMs ?? emulatorClockRefreshMs);
    timer.unref?.();
    clock.#timer = timer;
    return clock;
  }

  now(): Date {
    return new Date(this.#wallClock.now().getTime() + this.#offsetMs);
  }

  /** Reads the emulator's offset now; throws when the emulator does not answer as one. */
  async refresh(): Promise<void> {
    const response = await fetch(this.#url, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { offset_seconds?: unknown };
    const offsetSeconds = body.offset_seconds;
    if (typeof offsetSeconds !== "number" || !Number.isFinite(offsetSeconds) || offsetSeconds < 0) {
      throw new Error("the answer has no offset_seconds");
    }
    // Never backwards, as the emulator's own clock: an older reading must not undo a newer one.
    this.#offsetMs = Math.max(this.#offsetMs, Math.round(offsetSeconds * 1000));
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #poll(): Promise<void> {
    // A slow answer is not overtaken by the next tick's request: one read at a time.
    if (this.#reading) return;
    this.#reading = true;
    try {
      await this.refresh();
      if (this.#failing) this.#logger.info({ url: this.#url }, "emulator clock readable again");
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) {
        this.#logger.warn(
          { url: this.#url, error: describe(error) },
          "emulator clock unreadable; keeping the last offset",
        );
      }
      this.#failing = true;
    } finally {
      this.#reading = false;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
