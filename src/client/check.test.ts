import { describe, expect, it } from "vitest";
import { listen, startServer } from "../node/serve.js";
import { createBillhookClient } from "./client.js";
import { BillhookUnavailableError } from "./errors.js";
import { serveBillhook } from "./testing/served-billhook.js";

const fast = { attemptsMax: 10, delayMsBase: 20, delayMsMax: 100 };

describe("check when Billhook cannot answer", () => {
  it("answers per the failure policy within its timeout once the server is stopped", async () => {
    const served = await serveBillhook(startServer);
    await served.server.close();
    await served.billhook.storage.close();
    const client = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: served.serverKey,
      retry: fast,
    });
    const input = { customerId: "u1", feature: "generate", units: 2 };

    const startedAt = Date.now();
    const closed = await client.check(input, { timeoutMs: 400 });
    const open = await client.check(input, { timeoutMs: 400, failurePolicy: "failOpen" });
    expect(Date.now() - startedAt).toBeLessThan(1_200);

    expect(closed).toMatchObject({
      source: "fail-closed",
      allowed: false,
      code: "BILLHOOK_UNAVAILABLE",
      units: 2,
    });
    expect(open).toMatchObject({ source: "fail-open", allowed: true, feature: "generate", customerId: "u1" });
    expect(closed.source !== "billhook" && closed.reason).toBeInstanceOf(BillhookUnavailableError);
  });

  it("times out on a server that never answers", async () => {
    const hung = await listen(() => new Promise<Response>(() => {}), { port: 0, host: "127.0.0.1" });
    const client = createBillhookClient({
      baseUrl: hung.url,
      apiKey: "bh_sk_any",
      checkTimeoutMs: 300,
      failurePolicy: "failOpen",
    });
    const startedAt = Date.now();
    const outcome = await client.check({ customerId: "u1", feature: "generate" });
    const elapsedMs = Date.now() - startedAt;
    expect(outcome).toMatchObject({ source: "fail-open", allowed: true });
    expect(outcome.source !== "billhook" && outcome.reason).toMatchObject({ timedOut: true });
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(800);
    void hung.close();
  });

  it("other calls throw BillhookUnavailableError after their retries", async () => {
    const served = await serveBillhook(startServer);
    await served.server.close();
    await served.billhook.storage.close();
    let attempts = 0;
    const client = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: served.serverKey,
      retry: { attemptsMax: 3, delayMsBase: 1, delayMsMax: 5 },
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const error = await client.credits.balances("u1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BillhookUnavailableError);
    expect(error).toMatchObject({ attempts: 3, timedOut: false });
    expect(attempts).toBe(3);
  });
});
