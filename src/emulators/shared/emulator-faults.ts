import { SeededRandom } from "./seeded-random.js";

/**
 * Fault knobs. Rates are probabilities in [0, 1]; every decision comes from one seeded stream, so a test
 * that fails under faults replays exactly with the same seed and the same sequence of calls.
 */
export interface FaultSettings {
  /** Webhook deliveries that never reach the receiver (recorded as sent). */
  webhookDropRate: number;
  /** Webhook deliveries sent twice with the same webhook-id. */
  webhookDuplicateRate: number;
  /** Webhook events held back and sent after the next event to the same endpoint. */
  webhookReorderRate: number;
  /**
   * How long (wall-clock ms) a held-back event waits for a later one to overtake it before it is
   * sent anyway. Tests that must see a reorder raise it, so a slow machine cannot send each event
   * before the next is made.
   */
  webhookReorderHoldMs: number;
  /** Webhook deliveries delayed by `webhookDelayMs` (wall-clock milliseconds). */
  webhookDelayRate: number;
  webhookDelayMs: number;
  /** API requests answered with 500 before anything is applied. */
  apiErrorRate: number;
  /** Wall-clock milliseconds added to every API request. */
  apiLatencyMs: number;
  /** API requests answered with 429 and `Retry-After`. */
  apiRateLimitRate: number;
  apiRetryAfterSeconds: number;
  /** Writes that are applied but whose response is lost (the connection is cut). */
  apiResponseLostRate: number;
  /** API requests held for `apiStallMs` before they are handled (a client may give up first; they still apply). */
  apiStallRate: number;
  apiStallMs: number;
  /** API requests whose connection is reset before anything is applied. */
  apiConnectionResetRate: number;
}

export const NO_FAULTS: FaultSettings = {
  webhookDropRate: 0,
  webhookDuplicateRate: 0,
  webhookReorderRate: 0,
  webhookReorderHoldMs: 250,
  webhookDelayRate: 0,
  webhookDelayMs: 0,
  apiErrorRate: 0,
  apiLatencyMs: 0,
  apiRateLimitRate: 0,
  apiRetryAfterSeconds: 1,
  apiResponseLostRate: 0,
  apiStallRate: 0,
  apiStallMs: 0,
  apiConnectionResetRate: 0,
};

export type FaultKind =
  | "webhookDrop"
  | "webhookDuplicate"
  | "webhookReorder"
  | "webhookDelay"
  | "apiError"
  | "apiRateLimit"
  | "apiResponseLost"
  | "apiStall"
  | "apiConnectionReset";

const RATE_OF: Record<FaultKind, keyof FaultSettings> = {
  webhookDrop: "webhookDropRate",
  webhookDuplicate: "webhookDuplicateRate",
  webhookReorder: "webhookReorderRate",
  webhookDelay: "webhookDelayRate",
  apiError: "apiErrorRate",
  apiRateLimit: "apiRateLimitRate",
  apiResponseLost: "apiResponseLostRate",
  apiStall: "apiStallRate",
  apiConnectionReset: "apiConnectionResetRate",
};

export class FaultInjector {
  private random: SeededRandom;
  private current: FaultSettings;
  /** How often each fault fired, for tests and the /_emulator/faults report. */
  readonly fired: Record<FaultKind, number> = {
    webhookDrop: 0,
    webhookDuplicate: 0,
    webhookReorder: 0,
    webhookDelay: 0,
    apiError: 0,
    apiRateLimit: 0,
    apiResponseLost: 0,
    apiStall: 0,
    apiConnectionReset: 0,
  };

  constructor(
    private seed: number | string,
    settings: Partial<FaultSettings> = {},
  ) {
    this.random = new SeededRandom(`faults:${seed}`);
    this.current = { ...NO_FAULTS, ...settings };
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  /** Merges new settings; a new seed restarts the decision stream. */
  configure(settings: Partial<FaultSettings>, seed?: number | string): void {
    this.current = { ...this.current, ...settings };
    if (seed !== undefined) {
      this.seed = seed;
      this.random = new SeededRandom(`faults:${seed}`);
    }
  }

  reset(): void {
    this.configure(NO_FAULTS, this.seed);
  }

  /** Draws one decision. A zero rate draws nothing, so turning a knob off never shifts other decisions. */
  roll(kind: FaultKind): boolean {
    const rate = this.current[RATE_OF[kind]];
    if (rate <= 0) return false;
    const hit = rate >= 1 || this.random.next() < rate;
    if (hit) this.fired[kind] += 1;
    return hit;
  }
}
