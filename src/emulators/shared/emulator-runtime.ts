import { type EmulatorClock, TestClock } from "./emulator-clock.js";
import { FaultInjector, type FaultSettings } from "./emulator-faults.js";
import { SeededRandom } from "./seeded-random.js";
import type { DispatcherSettings } from "./webhook-transport.js";

/** Options both emulators take, for the app factory and the server start alike. */
export interface EmulatorBaseOptions<State> {
  /** Base time source; the emulator's test clock adds its offset on top. Default: the wall clock. */
  clock?: EmulatorClock;
  /** Seeds ids, secrets, back-off jitter and fault decisions. Default 1. */
  seed?: number | string;
  /** Public origin used in checkout and portal URLs. Default: the origin of each request. */
  publicUrl?: string;
  /** Divides webhook retry waits so tests do not sleep for minutes. Default 1. */
  deliverySpeedFactor?: number;
  /** Per-delivery timeout. Default 10 000 ms, like both providers. */
  deliveryTimeoutMs?: number;
  faults?: Partial<FaultSettings>;
  /** State restored at start (see the store's `snapshot`). */
  initialState?: State;
  /** Called after each change of state, e.g. to persist it. */
  onStateChange?: () => void;
  /** Used for webhook deliveries. Default: global fetch. */
  fetch?: typeof fetch;
}

/** The time, randomness and faults one emulator instance owns. */
export interface RuntimeCore {
  random: SeededRandom;
  clock: TestClock;
  faults: FaultInjector;
}

/**
 * Builds the seeded core; `streamLabel` keeps each provider's id stream its own. Draws nothing, so
 * the caller decides the order of every id it derives (and replays stay identical).
 */
export function createRuntimeCore(streamLabel: string, options: EmulatorBaseOptions<unknown>): RuntimeCore {
  const seed = options.seed ?? 1;
  return {
    random: new SeededRandom(`${streamLabel}:${seed}`),
    clock: new TestClock(options.clock),
    faults: new FaultInjector(seed, options.faults),
  };
}

/** The dispatcher settings both emulators derive the same way from their options. */
export function deliverySettings(
  options: EmulatorBaseOptions<unknown>,
  core: RuntimeCore,
  defaultTimeoutMs: number,
  onChange: () => void,
): DispatcherSettings {
  return {
    signingClock: { now: () => new Date() },
    random: core.random.fork("delivery"),
    faults: core.faults,
    speedFactor: options.deliverySpeedFactor ?? 1,
    timeoutMs: options.deliveryTimeoutMs ?? defaultTimeoutMs,
    fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
    onChange,
  };
}
