import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../shared/emulator-clock.js";
import { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { createPolarEmulatorApp } from "./polar-emulator-app.js";

function emulator(seed = 1) {
  const runtime = new PolarEmulatorRuntime({ seed, clock: fixedClock(new Date("2026-05-01T00:00:00Z")) });
  const app = createPolarEmulatorApp(runtime);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${runtime.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { runtime, call };
}

describe("emulator properties", () => {
  it("event ingest counts every event exactly once as inserted or duplicate, across batches", async () => {
    const batches = fc.array(
      fc.array(fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }), { maxLength: 8 }),
      {
        maxLength: 5,
      },
    );
    await fc.assert(
      fc.asyncProperty(batches, async (plan) => {
        const { call, runtime } = emulator();
        const seen = new Set<number>();
        let withoutExternalId = 0;
        for (const batch of plan) {
          const events = batch.map((key) => ({
            name: "tick",
            external_customer_id: "u",
            ...(key === undefined ? {} : { external_id: `k${key}` }),
          }));
          const { body } = await call("POST", "/v1/events/ingest", { events });
          const expectedInserted = batch.filter((key) => {
            if (key === undefined) return true;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          }).length;
          withoutExternalId += batch.filter((key) => key === undefined).length;
          expect(body).toEqual({ inserted: expectedInserted, duplicates: batch.length - expectedInserted });
        }
        expect(runtime.store.events.size).toBe(seen.size + withoutExternalId);
      }),
      { numRuns: 40, seed: 20_260_501 },
    );
  });

  it("pages cover every row exactly once and max_page is ceil(total / limit)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 10 }),
        async (count, limit) => {
          const { call } = emulator();
          for (let index = 0; index < count; index += 1) {
            await call("POST", "/v1/customers/", { email: `c${index}@example.com` });
          }
          const first = await call("GET", `/v1/customers/?limit=${limit}`);
          const pagination = first.body.pagination as { total_count: number; max_page: number };
          expect(pagination).toEqual({ total_count: count, max_page: Math.ceil(count / limit) });
          const ids: string[] = [];
          for (let page = 1; page <= pagination.max_page; page += 1) {
            const { body } = await call("GET", `/v1/customers/?limit=${limit}&page=${page}`);
            ids.push(...(body.items as Array<{ id: string }>).map((item) => item.id));
          }
          expect(new Set(ids).size).toBe(count);
          expect(ids).toHaveLength(count);
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it("the same seed and the same calls give the same ids, secrets and tokens", async () => {
    const run = async (seed: number) => {
      const { call, runtime } = emulator(seed);
      const product = await call("POST", "/v1/products/", {
        name: "Same",
        prices: [{ amount_type: "fixed", price_amount: 100 }],
      });
      const checkout = await call("POST", "/v1/checkouts/", { products: [product.body.id] });
      const endpoint = await call("POST", "/v1/webhooks/endpoints", {
        url: "http://127.0.0.1:9/",
        format: "raw",
        events: [],
      });
      return [runtime.token, product.body.id, checkout.body.client_secret, endpoint.body.secret];
    };
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });
});
