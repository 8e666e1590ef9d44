import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, startServer } from "../node/serve.js";
import { createBillhookClient } from "./client.js";
import { type ServedBillhook, serveBillhook } from "./testing/served-billhook.js";
import type { FetchFunction } from "./transport.js";

const fast = { attemptsMax: 5, delayMsBase: 5, delayMsMax: 20 };

/** Forwards to the server, but loses the first answer after the server acted on it. */
function losingFirstAnswer(keys: Array<string | null>, replayed: Array<string | null>): FetchFunction {
  let attempts = 0;
  return async (input, init) => {
    keys.push(new Headers(init.headers).get("idempotency-key"));
    const response = await fetch(input, init);
    attempts++;
    if (attempts === 1) {
      await response.arrayBuffer();
      throw new TypeError("fetch failed: connection reset");
    }
    replayed.push(response.headers.get("idempotency-replayed"));
    return response;
  };
}

describe("retries take effect once", () => {
  let served: ServedBillhook;
  const grant = (customerId: string, amount: number) =>
    served.billhook.credits.grant({
      customerId,
      type: "images",
      amount,
      idempotencyKey: `seed_${customerId}`,
    });
  const spends = async (customerId: string) =>
    (await served.billhook.credits.history({ customerId, type: "images", limit: 50 })).items.filter(
      (item) => item.amount < 0,
    );

  beforeAll(async () => {
    served = await serveBillhook(startServer);
  });
  afterAll(async () => {
    await served.server.close();
    await served.billhook.storage.close();
  });

  it("replays a spend whose answer was lost, with one key on every attempt", async () => {
    await grant("u_lost", 10);
    const keys: Array<string | null> = [];
    const replayed: Array<string | null> = [];
    const client = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: served.serverKey,
      retry: fast,
      fetch: losingFirstAnswer(keys, replayed),
    });

    expect(await client.credits.spend({ customerId: "u_lost", type: "images", amount: 3 })).toEqual({
      balance: 7,
      replayed: false,
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(replayed).toEqual(["true"]);
    expect(await spends("u_lost")).toHaveLength(1);
    const [balance] = (await served.billhook.credits.balances("u_lost")) ?? [];
    expect(balance?.available).toBe(7);
  });

  it("survives a server that froze after committing: the retry waits out the in-flight 409", async () => {
    await grant("u_frozen", 10);
    let requests = 0;
    const statuses: number[] = [];
    const { fetch: appFetch } = (await import("../http/app.js")).createHttpApp(served.billhook);
    const frozen = await listen(
      async (request) => {
        requests++;
        const response = await appFetch(request);
        statuses.push(response.status);
        // The first request commits, then its server never answers (killed between commit and reply).
        return requests === 1 ? new Promise<Response>(() => {}) : response;
      },
      { port: 0, host: "127.0.0.1" },
    );
    // The attempt timeout is what ends the frozen attempt; it and the retries are generous, so that a
    // slow answer on a loaded machine (or a 409 while the first attempt still runs) is waited out.
    const client = createBillhookClient({
      baseUrl: frozen.url,
      apiKey: served.serverKey,
      attemptTimeoutMs: 1_000,
      timeoutMs: 25_000,
      retry: { attemptsMax: 50, delayMsBase: 20, delayMsMax: 200 },
    });

    const spent = await client.credits.spend({ customerId: "u_frozen", type: "images", amount: 4 });
    expect(spent.balance).toBe(6);
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(await spends("u_frozen")).toHaveLength(1);
    void frozen.close();
  });

  it("retries a 503 and keeps the caller's own key", async () => {
    await grant("u_503", 5);
    const keys: Array<string | null> = [];
    const client = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: served.serverKey,
      retry: fast,
      fetch: async (input, init) => {
        keys.push(new Headers(init.headers).get("idempotency-key"));
        if (keys.length === 1) {
          const problem = {
            type: "x",
            title: "Storage unavailable",
            status: 503,
            detail: "down",
            code: "STORAGE_UNAVAILABLE",
          };
          return new Response(JSON.stringify(problem), { status: 503 });
        }
        return fetch(input, init);
      },
    });
    const result = await client.credits.spend({
      customerId: "u_503",
      type: "images",
      amount: 2,
      idempotencyKey: "job_81",
    });
    expect(result.balance).toBe(3);
    expect(keys).toEqual(["job_81", "job_81"]);
  });

  it("spends exactly once per call when many clients lose answers at once", async () => {
    await grant("u_many", 100);
    const calls = Array.from({ length: 20 }, () =>
      createBillhookClient({
        baseUrl: served.server.url,
        apiKey: served.serverKey,
        retry: fast,
        fetch: losingFirstAnswer([], []),
      }).credits.spend({ customerId: "u_many", type: "images", amount: 1 }),
    );
    await Promise.all(calls);
    expect(await spends("u_many")).toHaveLength(20);
    const [balance] = await served.billhook.credits.balances("u_many");
    expect(balance?.available).toBe(80);
  });
});
