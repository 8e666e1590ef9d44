import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../node/serve.js";
import { type BillhookClient, createBillhookClient } from "./client.js";
import { BillhookApiError } from "./errors.js";
import { type ServedBillhook, serveBillhook } from "./testing/served-billhook.js";

describe("billhook/client against the real HTTP API", () => {
  let served: ServedBillhook;
  let client: BillhookClient;
  let admin: BillhookClient;

  beforeAll(async () => {
    served = await serveBillhook(startServer);
    client = createBillhookClient({ baseUrl: served.server.url, apiKey: served.serverKey });
    admin = createBillhookClient({ baseUrl: served.server.url, apiKey: served.adminKey });
  });
  afterAll(async () => {
    await served.server.close();
    await served.billhook.storage.close();
  });

  it("grants, spends, holds and commits credits with typed answers", async () => {
    const granted = await admin.credits.grant({ customerId: "u_typed", type: "images", amount: 10 });
    expect(granted).toMatchObject({ balance: 10, replayed: false });

    expect(await client.credits.spend({ customerId: "u_typed", type: "images", amount: 3 })).toEqual({
      balance: 7,
      replayed: false,
    });
    const hold = await client.credits.hold({ customerId: "u_typed", type: "images", amount: 4 });
    expect(hold).toMatchObject({ status: "held", amountHeld: 4, balance: 3 });
    expect(await client.credits.commit(hold.id, { amount: 1 })).toMatchObject({ status: "committed" });
    const other = await client.credits.hold({ customerId: "u_typed", type: "images", amount: 2 });
    expect(await client.credits.release(other.id)).toMatchObject({ status: "released" });
    expect(await client.credits.getHold(other.id)).toMatchObject({ status: "released" });

    const { items } = await client.credits.balances("u_typed");
    expect(items).toEqual([expect.objectContaining({ type: "images", available: 6, held: 0 })]);
    const history = await client.credits.history("u_typed", "images", { limit: 2 });
    expect(history.items).toHaveLength(2);
  });

  it("checks a credit-backed feature and lists what the customer holds", async () => {
    await admin.credits.grant({ customerId: "u_check", type: "images", amount: 5 });
    const enough = await client.check({ customerId: "u_check", feature: "generate", units: 5 });
    expect(enough).toMatchObject({ source: "billhook", allowed: true, code: "ALLOWED", balance: 5 });
    const tooMany = await client.check({ customerId: "u_check", feature: "generate", units: 6 });
    expect(tooMany).toMatchObject({ source: "billhook", allowed: false, code: "INSUFFICIENT_CREDITS" });
    expect(await client.entitlements.list("u_check")).toEqual({ items: expect.any(Array) });
    expect(await client.products.list("u_check")).toEqual({ items: expect.any(Array) });
  });

  it("reads a ledger transaction by id, with a path-unsafe id encoded", async () => {
    const error = await client.ledger.getTransaction("no/such id").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BillhookApiError);
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
  });

  it("throws typed errors by code, with the problem's extensions", async () => {
    const unknownFeature = await client.check({ customerId: "u1", feature: "nope" }).catch((e: unknown) => e);
    expect(unknownFeature).toMatchObject({ code: "UNKNOWN_FEATURE", status: 404 });

    const broke = await client.credits
      .spend({ customerId: "u_broke", type: "images", amount: 2 })
      .catch((e: unknown) => e);
    if (!(broke instanceof BillhookApiError)) throw new Error("expected a BillhookApiError");
    expect(broke.code).toBe("INSUFFICIENT_CREDITS");
    expect(broke.status).toBe(402);
    expect(broke.problem).toMatchObject({ balance: 0, required: 2 });

    const forbidden = await client.credits
      .grant({ customerId: "u1", type: "images", amount: 1 })
      .catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("does not retry client errors", async () => {
    let calls = 0;
    const counting = createBillhookClient({
      baseUrl: served.server.url,
      apiKey: "bh_sk_wrong",
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await expect(counting.products.list("u1")).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect(calls).toBe(1);
  });
});
