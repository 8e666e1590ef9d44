import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { ManualClock } from "../../src/kernel/index.js";
import { openStorage } from "../../src/storage/open-storage.js";
import { type PolarHarness, startPolarHarness, testCatalog } from "../../src/testing/polar-harness.js";
import { sseReader } from "../../src/testing/sse-reader.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

let sequence = 0;
const customer = () => `rt_${Date.now().toString(36)}_${sequence++}`;

/** Reads server-sent events from a streaming response, one `{ event, data }` at a time. */
function eventReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async function next(timeoutMs = 5_000): Promise<{ event: string; data: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, "m").exec(block)?.[1];
        return { event: field("event") ?? "message", data: JSON.parse(field("data") ?? "null") };
      }
      if (Date.now() > deadline) throw new Error(`no event within ${timeoutMs} ms; buffered: ${buffered}`);
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      buffered += decoder.decode(value, { stream: true });
    }
  };
}

describeEachDialect("realtime purchase flow (Seed 004)", (fixture) => {
  let harness: PolarHarness;
  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage());
    await harness.api("/v1/catalog/push", { method: "POST" });
  });
  afterAll(() => harness?.close());

  it("streams entitlements.changed the moment a payment's webhook lands, and lists products as owned", async () => {
    const customerId = customer();
    const controller = new AbortController();
    const stream = await harness.api(`/v1/customers/${customerId}/events`, {
      key: harness.serverKey,
      signal: controller.signal,
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const next = eventReader(stream);
    try {
      expect(await next()).toEqual({
        event: "snapshot",
        data: { entitlements: [], balances: {}, usage: {} },
      });
      const products = async () =>
        (
          await (
            await harness.api(`/v1/products?customerId=${customerId}`, { key: harness.serverKey })
          ).json()
        ).items;
      expect((await products()).find((item: { key: string }) => item.key === "pro")).toMatchObject({
        entitled: false,
      });

      await harness.buy(customerId, "pro");
      const changed = await next();
      expect(changed.event).toBe("entitlements.changed");
      expect(changed.data).toMatchObject({
        entitlements: expect.arrayContaining([
          expect.objectContaining({ feature: "export", catalogKey: "pro" }),
        ]),
      });
      expect((await products()).find((item: { key: string }) => item.key === "pro")).toMatchObject({
        entitled: true,
      });
    } finally {
      controller.abort();
    }
  });

  it("simulates a successful payment in development with the same effects as a webhook", async () => {
    const customerId = customer();
    const simulated = await harness.api("/v1/dev/simulate-success", {
      method: "POST",
      json: { customerId, product: "reports_pack" },
    });
    expect(simulated.status).toBe(200);
    expect(await harness.check(customerId, "reports")).toMatchObject({ allowed: true });
    const unknown = await harness.api("/v1/dev/simulate-success", {
      method: "POST",
      json: { customerId, product: "nope" },
    });
    expect(unknown.status).toBe(404);
  });
});

describeEachDialect("simulate-success reaches the stream as a webhook does", (fixture) => {
  it("streams the change the moment it commits, not at the fallback poll", async () => {
    const resolved = resolveConfig({}, testCatalog);
    // The clock stands still and the fallback poll is an hour away: only the commit's signal can
    // deliver the change while this test waits for it.
    const billhook = createBillhook({
      storage: fixture.storage(),
      clock: new ManualClock(),
      config: { ...resolved, realtime: { ...resolved.realtime, fallbackPollMs: 3_600_000 } },
    });
    const app = createHttpApp(billhook);
    const { secret } = await billhook.apiKeys.create({ scope: "admin", name: "simulate" });
    const customerId = customer();
    const controller = new AbortController();
    const stream = await app.request(
      `/v1/customers/${customerId}/events`,
      authorized(secret, { signal: controller.signal }),
    );
    const events = sseReader(stream);
    try {
      expect((await events.next()).event).toBe("snapshot");
      const simulated = await app.request(
        "/v1/dev/simulate-success",
        authorized(secret, { method: "POST", body: JSON.stringify({ customerId, product: "reports_pack" }) }),
      );
      expect(simulated.status).toBe(200);
      const changed = await events.until("entitlements.changed");
      expect(changed.data).toMatchObject({
        entitlements: [expect.objectContaining({ feature: "reports", catalogKey: "reports_pack" })],
      });
    } finally {
      controller.abort();
      await events.cancel().catch(() => undefined);
    }
  });
});

describe("simulate-success in production", () => {
  it("does not exist (404) and is absent from the spec", async () => {
    const storage = openStorage({ databaseUrl: ":memory:" });
    await storage.migrate();
    const billhook = createBillhook({
      storage,
      config: resolveConfig({ NODE_ENV: "production" }, testCatalog),
    });
    const app = createHttpApp(billhook);
    const { secret } = await billhook.apiKeys.create({ scope: "admin", name: "prod" });
    const response = await app.request(
      "/v1/dev/simulate-success",
      authorized(secret, {
        method: "POST",
        body: JSON.stringify({ customerId: "u", product: "reports_pack" }),
      }),
    );
    expect(response.status).toBe(404);
    const spec = await (await app.request("/openapi.json")).json();
    expect(Object.keys(spec.paths)).not.toContain("/v1/dev/simulate-success");
    await storage.close();
  });
});
