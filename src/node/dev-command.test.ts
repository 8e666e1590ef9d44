import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeEmulatorOnboarding } from "../testing/marketplace-fixtures.js";
import { authorized } from "../testing/test-engine.js";
import { type DevStack, startDevStack } from "./dev-command.js";

/** Polls `read` until `accept` holds; fails with the last value after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe("billhook dev --provider stripe (the offline demo)", () => {
  let stack: DevStack;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "billhook-dev-stripe-"));
    stack = await startDevStack({
      port: 0,
      host: "127.0.0.1",
      emulatorPort: 0,
      demoPort: 0,
      provider: "stripe",
      environment: {
        DATABASE_URL: join(directory, "billhook.db"),
        LOG_LEVEL: "silent",
        BILLHOOK_CLOCK: "emulator",
      },
      demoKeyPath: join(directory, "dev-api-key"),
    });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.serverUrl}${path}`, authorized(stack.demoKey, init));

  it("hears the Connect events of its emulator: a seller who finishes onboarding becomes ready", async () => {
    const created = await api("/v1/sellers", {
      method: "POST",
      body: JSON.stringify({ externalId: "dev_creator", email: "creator@example.com", country: "US" }),
    });
    expect(created.status).toBe(201);
    const { seller, onboardingUrl } = (await created.json()) as {
      seller: { id: string; chargesEnabled: boolean };
      onboardingUrl: string;
    };
    expect(seller.chargesEnabled).toBe(false);

    expect((await completeEmulatorOnboarding(onboardingUrl)).status).toBe(303);
    const ready = await eventually(
      async () => (await api(`/v1/sellers/${seller.id}`)).json(),
      (view: { chargesEnabled: boolean }) => view.chargesEnabled,
    );
    expect(ready).toMatchObject({ detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true });
  });

  it("with BILLHOOK_CLOCK=emulator, shares its in-process emulator's clock: a jump shows at once", async () => {
    const before = stack.billhook.clock.now().getTime();
    const jumped = await fetch(`${stack.emulator!.url}/_emulator/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 2 * 86_400 }),
    });
    expect(jumped.status).toBe(200);
    const emulatorNowMs = Date.parse((await jumped.json()).now);
    const nowMs = stack.billhook.clock.now().getTime();
    expect(nowMs - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    expect(nowMs).toBeGreaterThanOrEqual(emulatorNowMs);
  });
});
