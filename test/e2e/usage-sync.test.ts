import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { type RunningPolarEmulator, startPolarEmulator } from "../../src/emulators/polar/index.js";
import { type Billhook, createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { ManualClock, randomBase62 } from "../../src/kernel/index.js";
import type { BillingProvider, ProviderUsageEvent } from "../../src/modules/provider/index.js";
import { type UsageEventInput, usageEventId } from "../../src/modules/usage/index.js";
import { PolarProvider } from "../../src/providers/polar/polar-provider.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

const catalog = { meters: { tokens: { event: "llm.completion", aggregation: "sum", property: "tokens" } } };

function configWith(usageSync: Record<string, number>) {
  return resolveConfig({}, { catalog, settings: { usageSync } });
}

interface IngestedEvent {
  external_id: string | null;
  external_customer_id: string | null;
  name: string;
  metadata: Record<string, unknown>;
}

async function emulatorEvents(emulator: RunningPolarEmulator) {
  const response = await fetch(`${emulator.url}/_emulator/events`);
  return (await response.json()) as {
    items: IngestedEvent[];
    inserted_total: number;
    duplicates_total: number;
  };
}

async function setFaults(emulator: RunningPolarEmulator, settings: Record<string, number>) {
  await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
}

function eventsFor(prefix: string, count: number): UsageEventInput[] {
  return Array.from({ length: count }, (_, index) => ({
    customerId: `${prefix}_c${index % 17}`,
    event: "llm.completion",
    properties: { tokens: 10 + (index % 7), model: "small", note: null },
    idempotencyKey: `k${index}`,
  }));
}

describeEachDialect("usage sync to Polar through the outbox", (fixture) => {
  let emulator: RunningPolarEmulator;
  const clock = new ManualClock(new Date("2026-05-20T09:00:00Z"));
  const engines: Billhook[] = [];
  const engine = (usageSync: Record<string, number>, provider?: BillingProvider) => {
    const billhook = createBillhook({
      storage: fixture.storage(),
      clock,
      config: configWith(usageSync),
      provider:
        provider ??
        new PolarProvider({ accessToken: emulator.token, serverUrl: emulator.url, webhookSecret: undefined }),
    });
    engines.push(billhook);
    return billhook;
  };
  /** Runs the worker's sync and moves the clock past any back-off until nothing is left to send. */
  const drain = async (billhook: Billhook) => {
    for (let round = 0; round < 300; round++) {
      await billhook.usageSync.runOnce();
      const status = await billhook.usageSync.status();
      if (status.backlog === 0) return status;
      clock.advance(2_500);
    }
    throw new Error("the backlog never drained");
  };

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: `usage-sync-${fixture.dialect}` });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("delivers exactly the committed events under 5xx, stalls, resets and lost answers", async () => {
    const billhook = engine({
      batchSize: 10,
      attemptsMax: 50,
      retryDelayMsBase: 200,
      retryDelayMsMax: 2_000,
      requestTimeoutMs: 400,
      leaseMs: 10_000,
    });
    const prefix = `f${randomBase62(6)}`;
    const events = eventsFor(prefix, 400);
    for (let start = 0; start < events.length; start += 100)
      await billhook.usage.ingest(events.slice(start, start + 100));
    // A retried batch is deduplicated locally and queues nothing more.
    expect(await billhook.usage.ingest(events.slice(0, 50))).toEqual({ inserted: 0, duplicates: 50 });
    expect((await billhook.usageSync.status()).backlog).toBe(400);

    await setFaults(emulator, {
      seed: 11,
      apiErrorRate: 0.2,
      apiStallRate: 0.1,
      apiStallMs: 900,
      apiConnectionResetRate: 0.1,
      apiResponseLostRate: 0.15,
    });
    const status = await drain(billhook);
    await setFaults(emulator, {
      apiErrorRate: 0,
      apiStallRate: 0,
      apiConnectionResetRate: 0,
      apiResponseLostRate: 0,
    });
    // A stalled request the client gave up on may still land after this (the emulator applies it once
    // the stall ends). Its events were all acknowledged by a later attempt before the backlog drained,
    // so landing can only add duplicates: what is compared below holds whether it has landed or not.

    const fired = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()).fired as Record<
      string,
      number
    >;
    for (const kind of ["apiError", "apiStall", "apiConnectionReset", "apiResponseLost"])
      expect({ kind, fired: fired[kind]! > 0 }).toEqual({ kind, fired: true });

    const ingested = await emulatorEvents(emulator);
    const ours = ingested.items.filter((event) => event.external_customer_id?.startsWith(`${prefix}_`));
    const expected = new Set(events.map((event) => usageEventId(event.customerId, event.idempotencyKey)));
    const externalIds = ours.map((event) => event.external_id);
    expect(new Set(externalIds)).toEqual(expected);
    // Each event is stored once at the provider; every resend was reported as a duplicate instead.
    expect(externalIds).toHaveLength(expected.size);
    expect(ingested.inserted_total).toBe(expected.size);
    // Lost answers and stalls made the worker resend events the emulator already had.
    expect(ingested.duplicates_total).toBeGreaterThan(0);
    expect(status).toMatchObject({ backlog: 0, dead: 0, lagSeconds: 0 });
    expect(ours[0]!.metadata).toMatchObject({ model: "small", value: 1 });
    expect(ours[0]!.metadata).not.toHaveProperty("note");
  }, 120_000);

  it("turns events into dead letters only when attempts run out, and requeues them on request", async () => {
    const billhook = engine({
      attemptsMax: 3,
      retryDelayMsBase: 1_000,
      retryDelayMsMax: 1_000,
      requestTimeoutMs: 2_000,
    });
    const app = createHttpApp(billhook);
    const adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "sync admin" })).secret;
    const prefix = `d${randomBase62(6)}`;
    await billhook.usage.ingest(eventsFor(prefix, 5));
    await setFaults(emulator, { apiErrorRate: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const run = await billhook.usageSync.runOnce();
      expect(run.failed).toBe(5);
      expect(run.dead).toBe(attempt === 3 ? 5 : 0);
      expect((await billhook.usageSync.status()).dead).toBe(attempt === 3 ? 5 : 0);
      clock.advance(1_000);
    }
    // Dead letters wait for a person: further runs send nothing.
    expect((await billhook.usageSync.runOnce()).failed).toBe(0);

    const view = await app.request("/v1/usage/sync", authorized(adminKey));
    expect(view.status).toBe(200);
    const body = (await view.json()) as {
      dead: number;
      backlog: number;
      deadLetters: Array<{ id: number; eventId: string; lastError: string; attempts: number }>;
    };
    expect(body).toMatchObject({ dead: 5, backlog: 0 });
    expect(body.deadLetters).toHaveLength(5);
    expect(body.deadLetters[0]).toMatchObject({ attempts: 3, lastError: expect.stringContaining("500") });

    const metrics = await app.request("/metrics", authorized(adminKey));
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("billhook_usage_sync_dead_events 5");
    expect((await app.request("/metrics")).status).toBe(401);

    await setFaults(emulator, { apiErrorRate: 0 });
    const retry = await app.request(
      "/v1/usage/sync/retry",
      authorized(adminKey, {
        method: "POST",
        body: JSON.stringify({ ids: body.deadLetters.slice(0, 2).map((letter) => letter.id) }),
      }),
    );
    expect(await retry.json()).toEqual({ requeued: 2 });
    expect(await billhook.usageSync.requeueDead()).toEqual({ requeued: 3 });
    expect(await billhook.usageSync.runOnce()).toMatchObject({ inserted: 5, failed: 0 });
    const delivered = (await emulatorEvents(emulator)).items.filter((event) =>
      event.external_customer_id?.startsWith(`${prefix}_`),
    );
    expect(delivered).toHaveLength(5);
  }, 60_000);

  it("never lets two workers send the same event at the same time", async () => {
    const inFlight = new Set<string>();
    const delivered: string[] = [];
    let overlaps = 0;
    const slowProvider = {
      name: "polar",
      ingestUsage: async (events: ProviderUsageEvent[]) => {
        for (const event of events) {
          if (inFlight.has(event.eventId)) overlaps += 1;
          inFlight.add(event.eventId);
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
        for (const event of events) {
          inFlight.delete(event.eventId);
          delivered.push(event.eventId);
        }
        return { inserted: events.length, duplicates: 0 };
      },
    } as unknown as BillingProvider;
    const first = engine({ batchSize: 7, leaseMs: 60_000 }, slowProvider);
    const second = createBillhook({
      storage: fixture.openAnother(),
      clock,
      config: configWith({ batchSize: 7, leaseMs: 60_000 }),
      provider: slowProvider,
    });
    const prefix = `l${randomBase62(6)}`;
    await first.usage.ingest(eventsFor(prefix, 120));
    await Promise.all([first.usageSync.runOnce(), second.usageSync.runOnce(), first.usageSync.runOnce()]);
    expect(overlaps).toBe(0);
    const ours = new Set(
      eventsFor(prefix, 120).map((event) => usageEventId(event.customerId, event.idempotencyKey)),
    );
    expect(delivered.filter((id) => ours.has(id)).sort()).toEqual([...ours].sort());
  }, 60_000);
});
