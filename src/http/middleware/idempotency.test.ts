import { afterEach, expect, it } from "vitest";
import { sha256Hex } from "../../kernel/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../../testing/test-engine.js";

let keySequence = 0;
const freshKey = () => `idem-${Date.now()}-${keySequence++}`;

const transfer = (id: string, amountMinor = 100) =>
  JSON.stringify({
    id,
    entries: [
      { account: { kind: "clearing", currency: "USD" }, amountMinor: -amountMinor },
      { account: { kind: "wallet", ownerId: "idem", currency: "USD" }, amountMinor },
    ],
  });

/** A route that waits until the test lets it finish, to hold a request in flight. */
function withSlowRoute(service: TestService) {
  const gates: Array<() => void> = [];
  let calls = 0;
  service.app.post("/v1/test/slow", async (c) => {
    calls++;
    await new Promise<void>((resolve) => gates.push(resolve));
    return c.json({ call: calls }, 201);
  });
  service.app.post("/v1/test/fails", (c) => {
    calls++;
    return c.json({ call: calls }, 503);
  });
  return {
    releaseAll: () => {
      for (const release of gates.splice(0)) release();
    },
    calls: () => calls,
    waitForCalls: async (count: number) => {
      while (calls < count) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

const post = (service: TestService, path: string, key: string, body: string, apiKey = service.adminKey) =>
  service.app.request(
    path,
    authorized(apiKey, { method: "POST", body, headers: { "idempotency-key": key } }),
  );

describeEachDialect("Idempotency-Key", (fixture) => {
  const opened: TestService[] = [];
  const open = async (another = false) => {
    const service = await createTestService(another ? fixture.openAnother() : fixture.storage());
    opened.push(service);
    return service;
  };
  afterEach(() => {
    opened.length = 0;
  });

  it("replays the stored response for the same key and request", async () => {
    const service = await open();
    const key = freshKey();
    const first = await post(service, "/v1/ledger/transactions", key, transfer(key));
    const second = await post(service, "/v1/ledger/transactions", key, transfer(key));

    expect(first.status).toBe(201);
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotency-replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
  });

  it("refuses the same key with a different request (422) and changes nothing", async () => {
    const service = await open();
    const key = freshKey();
    await post(service, "/v1/ledger/transactions", key, transfer(key, 100));
    const reused = await post(service, "/v1/ledger/transactions", key, transfer(`${key}-other`, 100));

    expect(reused.status).toBe(422);
    expect((await reused.json()).code).toBe("IDEMPOTENCY_KEY_REUSED");
    const missing = await service.app.request(
      `/v1/ledger/transactions/${key}-other`,
      authorized(service.adminKey),
    );
    expect(missing.status).toBe(404);
  });

  it("refuses a retry while the original is in flight (409), then replays it, across two instances", async () => {
    const first = await open();
    const second = await createTestService(fixture.openAnother());
    // Both instances must accept the same API key: mint it on one, use it on both.
    const slowFirst = withSlowRoute(first);
    const slowSecond = withSlowRoute(second);
    const key = freshKey();

    const original = post(first, "/v1/test/slow", key, "{}");
    await slowFirst.waitForCalls(1);
    const racing = await post(second, "/v1/test/slow", key, "{}", first.adminKey);
    expect(racing.status).toBe(409);
    expect((await racing.json()).code).toBe("IDEMPOTENCY_IN_FLIGHT");

    slowFirst.releaseAll();
    const originalResponse = await original;
    expect(originalResponse.status).toBe(201);
    const replayed = await post(second, "/v1/test/slow", key, "{}", first.adminKey);
    expect(replayed.headers.get("idempotency-replayed")).toBe("true");
    expect(await replayed.json()).toEqual({ call: 1 });
    expect(slowSecond.calls()).toBe(0);
  });

  it("lets exactly one of many concurrent identical requests run", async () => {
    const [first, second] = [await open(), await createTestService(fixture.openAnother())];
    const key = freshKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        post(index % 2 ? second : first, "/v1/ledger/transactions", key, transfer(key), first.adminKey),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const executed = responses.filter(
      (response) => response.status === 201 && response.headers.get("idempotency-replayed") === null,
    );
    expect(executed).toHaveLength(1);
  });

  it("does not store a 5xx, so the client can retry", async () => {
    const service = await open();
    const routes = withSlowRoute(service);
    const key = freshKey();
    expect((await post(service, "/v1/test/fails", key, "{}")).status).toBe(503);
    expect((await post(service, "/v1/test/fails", key, "{}")).status).toBe(503);
    expect(routes.calls()).toBe(2);
  });

  it("scopes keys to the API key that used them", async () => {
    const service = await open();
    const key = freshKey();
    const other = (await service.billhook.apiKeys.create({ scope: "admin", name: "other" })).secret;
    await post(service, "/v1/ledger/transactions", key, transfer(key));
    const fromOther = await post(service, "/v1/ledger/transactions", key, transfer(key), other);
    expect(fromOther.status).toBe(200);
    expect(fromOther.headers.get("idempotency-replayed")).toBeNull();
  });

  it("forgets a key after the retention period and purges it", async () => {
    const service = await open();
    const key = freshKey();
    await post(service, "/v1/ledger/transactions", key, transfer(key));
    service.clock.advance(24 * 60 * 60 * 1000 + 1);

    const reused = await post(service, "/v1/ledger/transactions", key, transfer(`${key}-later`));
    expect(reused.status).toBe(201);
    expect(reused.headers.get("idempotency-replayed")).toBeNull();
    service.clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await service.billhook.idempotency.purgeExpired()).toBeGreaterThanOrEqual(1);
  });

  it("takes over an in-flight claim whose process died once its lock runs out", async () => {
    const service = await open();
    const key = freshKey();
    const principal = (await service.billhook.apiKeys.authenticate(service.adminKey))!.id;
    const body = transfer(key);
    // Claim the key as a crashed process would have: in flight, never completed.
    const hash = sha256Hex(`POST /v1/ledger/transactions\n${body}`);
    await service.billhook.idempotency.begin(principal, key, hash);
    expect((await post(service, "/v1/ledger/transactions", key, body)).status).toBe(409);

    service.clock.advance(61_000);
    const retried = await post(service, "/v1/ledger/transactions", key, body);
    expect(retried.status).toBe(201);
  });

  it("rejects a malformed Idempotency-Key", async () => {
    const service = await open();
    const response = await post(service, "/v1/ledger/transactions", "has space", transfer(freshKey()));
    expect(response.status).toBe(422);
  });
});
