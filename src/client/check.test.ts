import { afterEach, describe, expect, it, vi } from "vitest";
import { listen, startServer } from "../node/serve.js";
import { createBillhookClient } from "./client.js";
import { BillhookUnavailableError } from "./errors.js";
import { serveBillhook } from "./testing/served-billhook.js";

/**
 * Runs `call` on fake timers and reports whether it had settled 1 ms before `timeoutMs` and at
 * `timeoutMs`, with its result: the timeout is asserted exactly, whatever the load on the machine.
 */
async function settleAtTimeout<T>(timeoutMs: number, call: () => Promise<T>) {
  let settled = false;
  const tracked = call().finally(() => {
    settled = true;
  });
  await vi.advanceTimersByTimeAsync(timeoutMs - 1);
  const settledEarly = settled;
  await vi.advanceTimersByTimeAsync(1);
  const settledOnTime = settled;
  return { settledEarly, settledOnTime, result: settledOnTime ? await tracked : null };
}

describe("check when Billhook cannot answer", () => {
  // Only the client's timers are faked; sockets, and so refused or hung connections, stay real.
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers per the failure policy at its timeout once the server is stopped", async () => {
    const served = await serveBillhook(startServer);
    await served.server.close();
    await served.billhook.storage.close();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // Back-off long enough that, without the call's timeout, the first wait alone would outlast it.
    const client = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: served.serverKey,
      retry: { attemptsMax: 10, delayMsBase: 2_000, delayMsMax: 8_000 },
    });
    const input = { customerId: "u1", feature: "generate", units: 2 };

    const closed = await settleAtTimeout(400, () => client.check(input, { timeoutMs: 400 }));
    const open = await settleAtTimeout(400, () =>
      client.check(input, { timeoutMs: 400, failurePolicy: "failOpen" }),
    );

    expect([closed.settledEarly, closed.settledOnTime]).toEqual([false, true]);
    expect([open.settledEarly, open.settledOnTime]).toEqual([false, true]);
    expect(closed.result).toMatchObject({
      source: "fail-closed",
      allowed: false,
      code: "BILLHOOK_UNAVAILABLE",
      units: 2,
    });
    expect(open.result).toMatchObject({
      source: "fail-open",
      allowed: true,
      feature: "generate",
      customerId: "u1",
    });
    const reason = closed.result?.source !== "billhook" && closed.result?.reason;
    expect(reason).toBeInstanceOf(BillhookUnavailableError);
    expect(reason).toMatchObject({ timedOut: true });
  });

  it("times out on a server that never answers, at checkTimeoutMs and not before", async () => {
    const hung = await listen(() => new Promise<Response>(() => {}), { port: 0, host: "127.0.0.1" });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const client = createBillhookClient({
      baseUrl: hung.url,
      apiKey: "bh_sk_any",
      checkTimeoutMs: 300,
      failurePolicy: "failOpen",
    });
    const { settledEarly, settledOnTime, result } = await settleAtTimeout(300, () =>
      client.check({ customerId: "u1", feature: "generate" }),
    );
    expect([settledEarly, settledOnTime]).toEqual([false, true]);
    expect(result).toMatchObject({ source: "fail-open", allowed: true });
    expect(result?.source !== "billhook" && result?.reason).toMatchObject({ timedOut: true });
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
