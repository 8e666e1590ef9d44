import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { BillhookError, ManualClock, randomBase62 } from "../../kernel/index.js";
import type { Storage } from "../../storage/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Catalog } from "../catalog/index.js";
import { Ledger } from "../ledger/index.js";
import { Credits } from "./credits-service.js";
import { packCredits } from "./order-credits.js";

const dayMs = 24 * 60 * 60 * 1000;
const catalogConfig = {
  credits: { images: { unit: "image" } },
  creditPacks: {
    images_100: {
      name: "100 images",
      creditType: "images",
      price: { amountMinor: 500, currency: "USD" },
      amount: 100,
    },
    images_any: {
      name: "Images, any amount",
      creditType: "images",
      payWhatYouWant: { currency: "USD", minimumMinor: 100, maximumMinor: 10_000, creditsPerMinor: 0.5 },
      expiresInDays: 30,
    },
  },
} as const;

function setup(storage: Storage, settings: Record<string, unknown> = {}) {
  const config = resolveConfig(
    {},
    {
      catalog: catalogConfig,
      settings: { buyCreditsUrl: "https://app.example.com/buy?type={type}", ...settings },
    },
  );
  const clock = new ManualClock();
  const ledger = new Ledger(storage, clock);
  const catalog = new Catalog(config.catalog);
  const credits = new Credits({ access: storage, ledger, clock, catalog, settings: config.credits });
  return { credits, clock, ledger, catalog };
}

async function refusal(promise: Promise<unknown>): Promise<BillhookError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BillhookError);
  return error as BillhookError;
}

describeEachDialect("credits", (fixture) => {
  let customerId: string;
  let world: ReturnType<typeof setup>;
  const spend = (amount: number, idempotencyKey: string) =>
    world.credits.spend({ customerId, type: "images", amount, idempotencyKey });
  const grant = (
    amount: number,
    idempotencyKey: string,
    extra: { expiresInMs?: number; priority?: number } = {},
  ) =>
    world.credits.grant({
      customerId,
      type: "images",
      amount,
      idempotencyKey,
      ...(extra.expiresInMs ? { expiresAt: new Date(world.clock.now().getTime() + extra.expiresInMs) } : {}),
      ...(extra.priority !== undefined ? { priority: extra.priority } : {}),
    });

  beforeAll(() => {
    world = setup(fixture.storage());
  });
  const fresh = () => {
    customerId = `c_${randomBase62(10)}`;
  };

  it("spends exactly once per idempotency key; another amount under the same key is refused", async () => {
    fresh();
    await grant(10, "g1");
    expect(await spend(3, "s1")).toEqual({ balance: 7, replayed: false });
    expect(await spend(3, "s1")).toEqual({ balance: 7, replayed: true });
    expect((await refusal(spend(4, "s1"))).code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await world.credits.balance(customerId, "images")).available).toBe(7);
  });

  it("refuses an overspend with 402 details and changes nothing", async () => {
    fresh();
    await grant(5, "g1");
    const error = await refusal(spend(6, "s1"));
    expect(error.code).toBe("INSUFFICIENT_CREDITS");
    expect(error.details).toMatchObject({
      balance: 5,
      required: 6,
      buyUrl: "https://app.example.com/buy?type=images",
    });
    expect((await world.credits.balance(customerId, "images")).available).toBe(5);
    expect(await spend(5, "s1")).toEqual({ balance: 0, replayed: false });
  });

  it("burns the soonest-expiring grant first, then by priority, never-expiring last", async () => {
    fresh();
    await grant(10, "forever");
    await grant(10, "late", { expiresInMs: 20 * dayMs });
    await grant(10, "soon_low", { expiresInMs: 5 * dayMs, priority: 200 });
    await grant(10, "soon_high", { expiresInMs: 5 * dayMs, priority: 1 });
    await spend(15, "s1"); // soon_high 10, soon_low 5
    world.clock.advance(6 * dayMs); // soon_low's last 5 expire
    const balance = await world.credits.balance(customerId, "images");
    expect(balance.available).toBe(20);
    expect(balance.expiringSoon).toEqual([]);
    await spend(12, "s2"); // late 10, forever 2
    world.clock.advance(15 * dayMs);
    expect((await world.credits.balance(customerId, "images")).available).toBe(8);
  });

  it("records expiry as a ledger posting, shows it in history and lists credits expiring soon", async () => {
    fresh();
    await grant(4, "soon", { expiresInMs: 3 * dayMs });
    const before = await world.credits.balance(customerId, "images");
    expect(before.expiringSoon).toEqual([
      { amount: 4, expiresAt: new Date(world.clock.now().getTime() + 3 * dayMs).toISOString() },
    ]);
    world.clock.advance(3 * dayMs);
    expect((await world.credits.balance(customerId, "images")).available).toBe(0);
    const history = await world.credits.history({ customerId, type: "images" });
    expect(history.items.map((item) => [item.action, item.amount])).toEqual([
      ["expire", -4],
      ["grant", 4],
    ]);
    expect((await world.ledger.verify()).ok).toBe(true);
  });

  it("pages history newest first", async () => {
    fresh();
    await grant(10, "g");
    for (let index = 0; index < 5; index++) await spend(1, `s${index}`);
    const first = await world.credits.history({ customerId, type: "images", limit: 4 });
    expect(first.items).toHaveLength(4);
    expect(first.items[0]!.metadata.idempotencyKey).toBe("s4");
    const second = await world.credits.history({
      customerId,
      type: "images",
      limit: 4,
      before: first.nextBefore!,
    });
    expect(second.items.map((item) => item.action)).toEqual(["spend", "grant"]);
    expect(second.nextBefore).toBeNull();
  });

  describe("holds", () => {
    it("keeps held credits out of reach; commit spends the actual amount and returns the rest", async () => {
      fresh();
      await grant(10, "g");
      const hold = await world.credits.hold({
        customerId,
        type: "images",
        amount: 8,
        idempotencyKey: "job1",
      });
      expect(hold).toMatchObject({ status: "held", balance: 2 });
      expect((await refusal(spend(3, "s1"))).code).toBe("INSUFFICIENT_CREDITS");
      const committed = await world.credits.commit(hold.id, 5);
      expect(committed).toMatchObject({ status: "committed", amountCommitted: 5, balance: 5 });
      expect(await world.credits.commit(hold.id, 5)).toMatchObject({ replayed: true, balance: 5 });
      expect((await refusal(world.credits.release(hold.id))).code).toBe("HOLD_NOT_ACTIVE");
      expect(await world.credits.balance(customerId, "images")).toMatchObject({ available: 5, held: 0 });
    });

    it("refuses to commit more than held", async () => {
      fresh();
      await grant(10, "g");
      const hold = await world.credits.hold({
        customerId,
        type: "images",
        amount: 3,
        idempotencyKey: "job1",
      });
      expect((await refusal(world.credits.commit(hold.id, 4))).code).toBe("COMMIT_EXCEEDS_HOLD");
    });

    it("releases a hold that expires, on its own", async () => {
      fresh();
      await grant(10, "g");
      const hold = await world.credits.hold({
        customerId,
        type: "images",
        amount: 6,
        idempotencyKey: "job1",
        expiresInSeconds: 60,
      });
      world.clock.advance(61_000);
      expect(await world.credits.sweep()).toMatchObject({ balancesSettled: expect.any(Number) });
      expect(await world.credits.getHold(hold.id)).toMatchObject({ status: "expired", balance: 10 });
      expect((await refusal(world.credits.commit(hold.id, 6))).code).toBe("HOLD_NOT_ACTIVE");
    });

    it("a failed job that was only reserved leaves the balance where it started", async () => {
      fresh();
      await grant(10, "g");
      const hold = await world.credits.hold({
        customerId,
        type: "images",
        amount: 7,
        idempotencyKey: "job1",
      });
      expect(await world.credits.fail(hold.id)).toMatchObject({ status: "failed", balance: 10 });
      expect(await world.credits.fail(hold.id)).toMatchObject({ status: "failed", balance: 10 });
    });
  });

  it("refunds a committed job reported failed exactly once when refundOnFailure is on, not when off", async () => {
    const refunding = setup(fixture.storage(), { refundOnFailure: true });
    const id = `c_${randomBase62(10)}`;
    await refunding.credits.grant({ customerId: id, type: "images", amount: 10, idempotencyKey: "g" });
    const hold = await refunding.credits.hold({
      customerId: id,
      type: "images",
      amount: 6,
      idempotencyKey: "job",
    });
    await refunding.credits.commit(hold.id, 4);
    expect(await refunding.credits.fail(hold.id)).toMatchObject({ status: "refunded", balance: 10 });
    expect(await refunding.credits.fail(hold.id)).toMatchObject({
      status: "refunded",
      balance: 10,
      replayed: true,
    });

    fresh();
    await grant(10, "g");
    const kept = await world.credits.hold({ customerId, type: "images", amount: 6, idempotencyKey: "job" });
    await world.credits.commit(kept.id, 4);
    expect(await world.credits.fail(kept.id)).toMatchObject({ status: "committed", balance: 6 });
  });

  it("refuses unknown credit types and bad amounts", async () => {
    fresh();
    expect(
      (await refusal(world.credits.spend({ customerId, type: "gold", amount: 1, idempotencyKey: "k" }))).code,
    ).toBe("UNKNOWN_CREDIT_TYPE");
    expect((await refusal(spend(0, "k"))).code).toBe("VALIDATION_FAILED");
    expect((await refusal(spend(1.5, "k"))).code).toBe("VALIDATION_FAILED");
  });
});

describe("credit packs", () => {
  it("grants a fixed amount, or the amount paid × the rate (rounded down) for pay-what-you-want", () => {
    const catalog = new Catalog(resolveConfig({}, { catalog: catalogConfig }).catalog);
    expect(packCredits(catalog.find("images_100")!, 500)).toBe(100);
    expect(packCredits(catalog.find("images_any")!, 1_001)).toBe(500);
  });

  it("rejects packs and features that name undeclared credit types", () => {
    expect(() =>
      resolveConfig(
        {},
        {
          catalog: {
            creditPacks: {
              p: { name: "P", creditType: "gold", price: { amountMinor: 1, currency: "USD" }, amount: 1 },
            },
          },
        },
      ),
    ).toThrow(/unknown credit type "gold"/);
  });
});
