import { afterEach, beforeEach, expect } from "vitest";
import type { WebhookReceiver } from "./webhook-receiver.js";

/** Test seconds per day, for clock advances. */
export const DAY_SECONDS = 86_400;

/** Reproducible ids and fast delivery: back-offs divided by 100 000, a dead receiver given up after 2 s. */
export const FIXTURE_EMULATOR_DEFAULTS = {
  seed: 7,
  deliverySpeedFactor: 100_000,
  deliveryTimeoutMs: 2_000,
} as const;

interface FixtureEmulator {
  webhooks: { idle(): Promise<void> };
  close(): Promise<void>;
}

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;

/** The fixture actions that are the same for both providers; `call` reaches the emulator's routes. */
export function commonFixtureActions(emulator: FixtureEmulator, receiver: WebhookReceiver, call: Call) {
  return {
    async advanceDays(days: number): Promise<void> {
      const response = await call("POST", "/_emulator/clock/advance", { seconds: days * DAY_SECONDS });
      if (!response.ok) throw new Error(`clock advance failed: ${response.status}`);
    },
    /** Waits for deliveries, then returns the event types received since `mark` (an index into received). */
    async typesSince(mark: number): Promise<string[]> {
      await emulator.webhooks.idle();
      return receiver.types().slice(mark);
    },
    async close(): Promise<void> {
      await emulator.close();
      await receiver.close();
    },
  };
}

/**
 * Starts a fresh fixture before each test (handed to `assign`) and, after it, collects the problem
 * lists `check` finds, closes the fixture, and expects every list to be empty. The returned
 * `restart` swaps in a fixture started differently mid-test; the after-test check then runs on it.
 */
export function useCheckedFixture<Fixture extends { close(): Promise<void> }, Options>(
  start: (options: Options) => Promise<Fixture>,
  options: Options,
  check: (fixture: Fixture) => Promise<unknown[][]>,
  assign: (fixture: Fixture) => void,
): (options: Options) => Promise<Fixture> {
  let current: Fixture | undefined;
  const use = (fixture: Fixture) => {
    current = fixture;
    assign(fixture);
    return fixture;
  };
  beforeEach(async () => {
    use(await start(options));
  });
  afterEach(async () => {
    const fixture = current!;
    const problemLists = await check(fixture);
    await fixture.close();
    for (const problems of problemLists) expect(problems).toEqual([]);
  });
  return async (restartOptions) => {
    await current?.close();
    return use(await start(restartOptions));
  };
}
