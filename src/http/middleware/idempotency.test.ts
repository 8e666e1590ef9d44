import { expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { createBillhook } from "../../engine.js";
import { ManualClock, sha256Hex } from "../../kernel/index.js";
import { defaultIdempotencyOptions, ManualTicker } from "../../modules/idempotency/index.js";
import type { Storage } from "../../storage/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { authorized, MemoryLogger } from "../../testing/test-engine.js";
import { createHttpApp } from "../app.js";

let keySequence = 0;
const freshKey = () => `idem-${Date.now()}-${keySequence++}`;
const leaseTtlMs = defaultIdempotencyOptions.leaseTtlMs;

const transfer = (id: string, amountMinor = 100) =>
  JSON.stringify({
    id,
    entries: [
      { account: { kind: "clearing", currency: "USD" }, amountMinor: -amountMinor },
      { account: { kind: "wallet", ownerId: "idem", currency: "USD" }, amountMinor },
    ],
  });

/**
 * One engine instance with its HTTP app, a clock shared with the other instances of the test, and a
 * heartbeat that beats only when the test says so. Test routes: `/v1/test/slow` (held until the test
 * releases it, when `gated`) and `/v1/test/fails` (503); both count their calls.
 */
async function instance(storage: Storage, clock: ManualClock, options: { gated?: boolean } = {}) {
  const ticker = new ManualTicker();
  const billhook = createBillhook({
    storage,
    clock,
    ticker,
    logger: new MemoryLogger(),
    config: resolveConfig({}),
  });
  const app = createHttpApp(billhook);
  const gates: Array<() => void> = [];
  let calls = 0;
  app.post("/v1/test/slow", async (c) => {
    const call = ++calls;
    if (options.gated) await new Promise<void>((resolve) => gates.push(resolve));
    return c.json({ instance: storage.instanceId, call }, 201);
  });
  app.post("/v1/test/fails", (c) => c.json({ call: ++calls }, 503));
  return {
    billhook,
    app,
    ticker,
    calls: () => calls,
    releaseAll: () => {
      for (const release of gates.splice(0)) release();
    },
    waitForCalls: async (count: number) => {
      while (calls < count) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}
type Instance = Awaited<ReturnType<typeof instance>>;

const post = async (to: Instance, path: string, key: string, body: string, apiKey: string) =>
  to.app.request(path, authorized(apiKey, { method: "POST", body, headers: { "idempotency-key": key } }));

/** Retries until the answer is not 409 (a dead owner's PostgreSQL sessions end a moment after it). */
async function untilNotInFlight(send: () => Promise<Response>): Promise<Response> {
  // A condition, not a duration: PostgreSQL drops a closed pool's sessions when it gets to it, which
  // on a loaded machine can take seconds. The budget only stops a broken run from hanging.
  const giveUpAtMs = performance.now() + 30_000;
  for (;;) {
    const response = await send();
    if (response.status !== 409 || performance.now() > giveUpAtMs) return response;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The same storage under another instance id: an instance whose PostgreSQL sessions are not its own (it reconnected). */
function withForeignSessions(storage: Storage): Storage {
  const instanceId = `${storage.instanceId}-reconnected`;
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === "instanceId") return instanceId;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describeEachDialect("Idempotency-Key", (fixture) => {
  const clock = new ManualClock();
  const adminKeyOf = async (service: Instance) =>
    (await service.billhook.apiKeys.create({ scope: "admin", name: "idempotency test" })).secret;

  it("replays the stored response for the same key and request", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    const first = await post(service, "/v1/ledger/transactions", key, transfer(key), adminKey);
    const second = await post(service, "/v1/ledger/transactions", key, transfer(key), adminKey);

    expect(first.status).toBe(201);
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotency-replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
  });

  it("refuses the same key with a different request (422) and changes nothing", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    await post(service, "/v1/ledger/transactions", key, transfer(key, 100), adminKey);
    const reused = await post(
      service,
      "/v1/ledger/transactions",
      key,
      transfer(`${key}-other`, 100),
      adminKey,
    );

    expect(reused.status).toBe(422);
    expect((await reused.json()).code).toBe("IDEMPOTENCY_KEY_REUSED");
    const missing = await service.app.request(`/v1/ledger/transactions/${key}-other`, authorized(adminKey));
    expect(missing.status).toBe(404);
  });

  it("refuses a retry (409) for as long as the original's instance is alive, however long it runs, then replays it", async () => {
    const first = await instance(fixture.openAnother(), clock, { gated: true });
    const second = await instance(fixture.openAnother(), clock);
    const adminKey = await adminKeyOf(first);
    const key = freshKey();

    const original = post(first, "/v1/test/slow", key, "{}", adminKey);
    await first.waitForCalls(1);
    // A minute passes; the first instance's heartbeat keeps beating.
    for (let second_ = 0; second_ < 60; second_++) {
      clock.advance(1_000);
      await first.ticker.tick();
      if (second_ % 15 === 0) {
        const racing = await post(second, "/v1/test/slow", key, "{}", adminKey);
        expect(racing.status).toBe(409);
        expect((await racing.json()).code).toBe("IDEMPOTENCY_IN_FLIGHT");
      }
    }
    first.releaseAll();
    expect((await original).status).toBe(201);
    const replayed = await post(second, "/v1/test/slow", key, "{}", adminKey);
    expect(replayed.headers.get("idempotency-replayed")).toBe("true");
    expect(await replayed.json()).toEqual({ instance: first.billhook.storage.instanceId, call: 1 });
    expect(second.calls()).toBe(0);
  });

  it("runs a retry once the original's instance died mid-request (lease lapsed, connections gone)", async () => {
    const dying = await instance(fixture.openAnother(), clock, { gated: true });
    const survivor = await instance(fixture.openAnother(), clock);
    const adminKey = await adminKeyOf(survivor);
    const key = freshKey();

    const original = post(dying, "/v1/test/slow", key, "{}", adminKey);
    await dying.waitForCalls(1);
    // The process dies: no more heartbeats, every connection closed.
    dying.billhook.idempotency.lease.stop();
    await dying.billhook.storage.close();
    expect((await post(survivor, "/v1/test/slow", key, "{}", adminKey)).status).toBe(409);

    clock.advance(leaseTtlMs + 1);
    const retried = await untilNotInFlight(() => post(survivor, "/v1/test/slow", key, "{}", adminKey));
    expect(retried.status).toBe(201);
    expect(await retried.json()).toEqual({ instance: survivor.billhook.storage.instanceId, call: 1 });
    const replayed = await post(survivor, "/v1/test/slow", key, "{}", adminKey);
    expect(replayed.headers.get("idempotency-replayed")).toBe("true");
    expect(survivor.calls()).toBe(1);
    dying.releaseAll();
    await original;
  });

  it("does not store a late completion by an instance whose claim was taken over; its client is told to retry", async () => {
    // Stalled past its lease and without a session of its own (it reconnected), so judged dead.
    const stalled = await instance(withForeignSessions(fixture.openAnother()), clock, { gated: true });
    const survivor = await instance(fixture.openAnother(), clock);
    const adminKey = await adminKeyOf(survivor);
    const key = freshKey();

    const original = post(stalled, "/v1/test/slow", key, "{}", adminKey);
    await stalled.waitForCalls(1);
    clock.advance(leaseTtlMs + 1);
    const retried = await post(survivor, "/v1/test/slow", key, "{}", adminKey);
    expect(retried.status).toBe(201);

    stalled.releaseAll();
    const late = await original;
    expect(late.status).toBe(409);
    expect((await late.json()).code).toBe("IDEMPOTENCY_IN_FLIGHT");
    const replayed = await post(stalled, "/v1/test/slow", key, "{}", adminKey);
    expect(await replayed.json()).toEqual({ instance: survivor.billhook.storage.instanceId, call: 1 });
  });

  it("lets exactly one of many concurrent identical requests run", async () => {
    const [first, second] = [
      await instance(fixture.storage(), clock),
      await instance(fixture.openAnother(), clock),
    ];
    const adminKey = await adminKeyOf(first);
    const key = freshKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        post(index % 2 ? second : first, "/v1/ledger/transactions", key, transfer(key), adminKey),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const executed = responses.filter(
      (response) => response.status === 201 && response.headers.get("idempotency-replayed") === null,
    );
    expect(executed).toHaveLength(1);
  });

  it("does not store a 5xx, so the client can retry at once", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    expect((await post(service, "/v1/test/fails", key, "{}", adminKey)).status).toBe(503);
    expect((await post(service, "/v1/test/fails", key, "{}", adminKey)).status).toBe(503);
    expect(service.calls()).toBe(2);
  });

  it("scopes keys to the API key that used them", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    const other = await adminKeyOf(service);
    await post(service, "/v1/ledger/transactions", key, transfer(key), adminKey);
    const fromOther = await post(service, "/v1/ledger/transactions", key, transfer(key), other);
    expect(fromOther.status).toBe(200);
    expect(fromOther.headers.get("idempotency-replayed")).toBeNull();
  });

  it("forgets a key after the retention period and purges it", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    await post(service, "/v1/ledger/transactions", key, transfer(key), adminKey);
    clock.advance(24 * 60 * 60 * 1000 + 1);

    const reused = await post(service, "/v1/ledger/transactions", key, transfer(`${key}-later`), adminKey);
    expect(reused.status).toBe(201);
    expect(reused.headers.get("idempotency-replayed")).toBeNull();
    clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await service.billhook.idempotency.purgeExpired()).toBeGreaterThanOrEqual(1);
  });

  it("takes over a claim made before instance leases once its fixed lock runs out", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const key = freshKey();
    const principal = (await service.billhook.apiKeys.authenticate(adminKey))!.id;
    const body = transfer(key);
    const nowMs = clock.now().getTime();
    // What a process of the previous version left behind when it crashed: in flight, no owner.
    await fixture
      .storage()
      .kysely.insertInto("idempotency_keys")
      .values({
        principal_id: principal,
        idempotency_key: key,
        request_hash: sha256Hex(`POST /v1/ledger/transactions\n${body}`),
        state: "in_flight",
        response_status: null,
        response_headers_json: null,
        response_body: null,
        locked_until_ms: nowMs + 60_000,
        created_at_ms: nowMs,
        expires_at_ms: nowMs + 24 * 60 * 60 * 1000,
        owner_instance_id: null,
        claim_id: null,
      })
      .execute();
    expect((await post(service, "/v1/ledger/transactions", key, body, adminKey)).status).toBe(409);
    clock.advance(60_001);
    expect((await post(service, "/v1/ledger/transactions", key, body, adminKey)).status).toBe(201);
  });

  it("rejects a malformed Idempotency-Key", async () => {
    const service = await instance(fixture.storage(), clock);
    const adminKey = await adminKeyOf(service);
    const response = await post(
      service,
      "/v1/ledger/transactions",
      "has space",
      transfer(freshKey()),
      adminKey,
    );
    expect(response.status).toBe(422);
  });
});
