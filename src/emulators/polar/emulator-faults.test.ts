import { Polar } from "@polar-sh/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { FaultInjector } from "../shared/emulator-faults.js";
import { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { createPolarEmulatorApp } from "./polar-emulator-app.js";
import { type EmulatorFixture, startEmulatorFixture } from "./testing/emulator-fixture.js";

const EVENT_COUNT = 6;

async function emitCustomers(fixture: EmulatorFixture, count = EVENT_COUNT): Promise<string[]> {
  const emails: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const email = `fault${index}@example.com`;
    emails.push(email);
    expect((await fixture.api("POST", "/v1/customers/", { email })).status).toBe(201);
  }
  await fixture.emulator.webhooks.idle();
  return emails;
}

const receivedEmails = (fixture: EmulatorFixture) =>
  fixture.receiver.received.map((webhook) => JSON.parse(webhook.body).data.email);

describe("fault knobs", () => {
  let fixture: EmulatorFixture | undefined;
  afterEach(async () => fixture?.close());

  it("drops webhook deliveries", async () => {
    fixture = await startEmulatorFixture({ events: ["customer.created"], faults: { webhookDropRate: 1 } });
    await emitCustomers(fixture);
    expect(fixture.receiver.received).toHaveLength(0);
    expect(fixture.emulator.runtime.faults.fired.webhookDrop).toBe(EVENT_COUNT);
  });

  it("duplicates webhook deliveries with the same webhook-id", async () => {
    fixture = await startEmulatorFixture({
      events: ["customer.created"],
      faults: { webhookDuplicateRate: 1 },
    });
    await emitCustomers(fixture);
    expect(fixture.receiver.received).toHaveLength(2 * EVENT_COUNT);
    const ids = fixture.receiver.received.map((webhook) => webhook.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(EVENT_COUNT);
  });

  it("reorders webhook deliveries but delivers every event", async () => {
    // Held until the next event overtakes it (only the last waits the hold out), however slow the machine.
    fixture = await startEmulatorFixture({
      events: ["customer.created"],
      faults: { webhookReorderRate: 1, webhookReorderHoldMs: 2_000 },
    });
    const emails = await emitCustomers(fixture);
    const received = receivedEmails(fixture);
    expect(received).not.toEqual(emails);
    expect([...received].sort()).toEqual([...emails].sort());
  });

  it("delays webhook deliveries", async () => {
    fixture = await startEmulatorFixture({
      events: ["customer.created"],
      faults: { webhookDelayRate: 1, webhookDelayMs: 120 },
    });
    const startedAtMs = Date.now();
    await emitCustomers(fixture, 1);
    expect(fixture.receiver.received[0]!.receivedAtMs - startedAtMs).toBeGreaterThanOrEqual(110);
  });

  it("answers 500 without applying, 429 with Retry-After, and adds latency", async () => {
    const runtime = new PolarEmulatorRuntime({ seed: 3 });
    const app = createPolarEmulatorApp(runtime);
    const create = () =>
      app.request("/v1/customers/", {
        method: "POST",
        headers: { authorization: `Bearer ${runtime.token}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "once@example.com" }),
      });
    runtime.faults.configure({ apiErrorRate: 1 });
    expect((await create()).status).toBe(500);
    expect(runtime.store.customers.size).toBe(0);
    runtime.faults.configure({ apiErrorRate: 0, apiRateLimitRate: 1, apiRetryAfterSeconds: 7 });
    const limited = await create();
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "7"]);
    runtime.faults.configure({ apiRateLimitRate: 0, apiLatencyMs: 60 });
    const startedAtMs = Date.now();
    expect((await create()).status).toBe(201);
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(55);
  });

  it("applies a write but cuts the connection before the answer", async () => {
    fixture = await startEmulatorFixture({ events: ["customer.created"] });
    const configured = await fixture.api("POST", "/_emulator/faults", { apiResponseLostRate: 1 });
    expect(configured.status).toBe(200);
    const lost = await fixture
      .api("POST", "/v1/customers/", { email: "ghost@example.com" })
      .then((response) => response.text())
      .then(
        () => "answered",
        () => "connection cut",
      );
    expect(lost).toBe("connection cut");
    await fixture.api("DELETE", "/_emulator/faults");
    const listed = await fixture.polar.customers.list({ email: "ghost@example.com" });
    expect(listed.result.items).toHaveLength(1);
  });

  it("lets the SDK's own retry policy ride out seeded 500s and 429s", async () => {
    fixture = await startEmulatorFixture({
      faults: { apiErrorRate: 0.4, apiRateLimitRate: 0.2, apiRetryAfterSeconds: 0 },
    });
    const polar = new Polar({
      accessToken: fixture.emulator.token,
      serverURL: fixture.emulator.url,
      retryConfig: {
        strategy: "backoff",
        backoff: { initialInterval: 1, maxInterval: 5, exponent: 1.1, maxElapsedTime: 5_000 },
        retryConnectionErrors: true,
      },
    });
    for (let index = 0; index < 5; index += 1)
      await polar.customers.create({ email: `retry${index}@example.com` });
    const { fired } = fixture.emulator.runtime.faults;
    expect(fired.apiError + fired.apiRateLimit).toBeGreaterThan(0);
    expect(fixture.emulator.runtime.store.customers.size).toBe(5);
  });

  it("replays the same decisions for the same seed", () => {
    const decisions = (seed: number) => {
      const faults = new FaultInjector(seed, { webhookDropRate: 0.5, apiErrorRate: 0.3 });
      return Array.from({ length: 40 }, (_, index) =>
        faults.roll(index % 2 === 0 ? "webhookDrop" : "apiError"),
      );
    };
    expect(decisions(11)).toEqual(decisions(11));
    expect(decisions(11)).not.toEqual(decisions(12));
    expect(decisions(11).filter(Boolean).length).toBeGreaterThan(0);
  });
});
