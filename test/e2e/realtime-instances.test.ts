import { afterEach, expect, inject, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import type { CustomerChangeBus } from "../../src/modules/realtime/index.js";
import { RedisChangeBus } from "../../src/node/redis-change-bus.js";
import { PostgresChangeBus } from "../../src/storage/postgres-change-bus.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { sseReader } from "../../src/testing/sse-reader.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const catalog = {
  features: { generate: { type: "credits", creditType: "images" } },
  credits: { images: { unit: "image" } },
  creditPacks: {
    images_100: {
      name: "100 images",
      creditType: "images",
      price: { amountMinor: 500, currency: "USD" },
      amount: 100,
    },
  },
};

let sequence = 0;
const customer = () => `multi_${Date.now().toString(36)}_${sequence++}`;

function openBus(transport: "postgres" | "redis"): CustomerChangeBus & { ready(): Promise<void> } {
  return transport === "redis" ? new RedisChangeBus(redisUrl) : new PostgresChangeBus(inject("postgresUrl")!);
}

describeEachDialect("realtime across instances", (fixture) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const transports = fixture.dialect === "postgres" ? (["postgres", "redis"] as const) : (["redis"] as const);
  for (const transport of transports) {
    it(`streams a purchase webhook applied on instance B to a watcher on instance A, over ${transport}`, async () => {
      const busA = openBus(transport);
      const busB = openBus(transport);
      cleanups.push(
        () => busA.close(),
        () => busB.close(),
      );
      await Promise.all([busA.ready(), busB.ready()]);

      // Instance B: receives the provider's webhooks.
      const harness: PolarHarness = await startPolarHarness(fixture.storage(), {
        catalog,
        changeBus: busB,
        seed: `multi-${transport}`,
      });
      cleanups.push(() => harness.close());
      expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);

      // Instance A: holds the stream, on its own connection, and would poll only every ten minutes, so
      // an event that arrives was carried by the bus.
      const base = resolveConfig({}, { catalog });
      const instanceA = createBillhook({
        storage: fixture.openAnother(),
        clock: harness.billhook.clock,
        config: { ...base, realtime: { ...base.realtime, fallbackPollMs: 10 * 60_000 } },
        changeBus: busA,
      });
      const customerId = customer();
      const { token } = await instanceA.customerTokens.mint({ customerId });
      const controller = new AbortController();
      cleanups.push(async () => controller.abort());
      const stream = await createHttpApp(instanceA).request(
        `/v1/customers/${customerId}/events`,
        authorized(token, { signal: controller.signal }),
      );
      expect(stream.status).toBe(200);
      const events = sseReader(stream);
      expect(await events.next()).toEqual({
        event: "snapshot",
        data: { entitlements: [], balances: { images: 0 }, usage: {} },
      });

      await harness.buy(customerId, "images_100");

      expect(
        await events.until(
          "balance.changed",
          (data: { balances: { images: number } }) => data.balances.images === 100,
        ),
      ).toBeTruthy();
      const purchase = await events.until("purchase");
      expect(purchase.data).toMatchObject({ product: "images_100", status: "succeeded" });
    });
  }
});
