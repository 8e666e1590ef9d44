import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { type BillhookError, ManualClock, randomBase62 } from "../../kernel/index.js";
import type { Storage } from "../../storage/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Catalog } from "../catalog/index.js";
import { Ledger } from "../ledger/index.js";
import { Credits } from "./credits-service.js";

const config = resolveConfig({}, { catalog: { credits: { images: { unit: "image" } } } });

function creditsOver(storage: Storage, clock: ManualClock) {
  const ledger = new Ledger(storage, clock);
  return {
    ledger,
    credits: new Credits({
      access: storage,
      ledger,
      clock,
      catalog: new Catalog(config.catalog),
      settings: config.credits,
    }),
  };
}

/**
 * Concurrent spends share transactions (group commit, one savepoint each). These races put many
 * spends into the same batches: refusals, replays and successes mixed in one transaction must each
 * come out exactly as if they had run alone.
 */
describeEachDialect("credit spends committed in groups", (fixture) => {
  const clock = new ManualClock();
  let one: ReturnType<typeof creditsOver>;
  let two: ReturnType<typeof creditsOver>;
  beforeAll(() => {
    one = creditsOver(fixture.storage(), clock);
    two = creditsOver(fixture.openAnother(), clock);
  });

  it("60 racing spends of 1 on a balance of 25, with repeated keys: exactly 25 debits, no overdraft", async () => {
    const customerId = `b_${randomBase62(8)}`;
    await one.credits.grant({ customerId, type: "images", amount: 25, idempotencyKey: "g" });
    // 40 distinct keys, 20 of them sent twice, from two instances at once.
    const keys = Array.from({ length: 40 }, (_, index) => `job_${index}`);
    const attempts = [...keys, ...keys.slice(0, 20)].map((key, index) =>
      (index % 2 === 0 ? one : two).credits
        .spend({ customerId, type: "images", amount: 1, idempotencyKey: key })
        .then(
          (result) => ({ key, ...result, refused: null as BillhookError | null }),
          (error: unknown) => ({ key, balance: -1, replayed: false, refused: error as BillhookError }),
        ),
    );
    const results = await Promise.all(attempts);

    const refused = results.filter((result) => result.refused);
    for (const result of refused) expect(result.refused?.code).toBe("INSUFFICIENT_CREDITS");
    const spentKeys = new Set(results.filter((result) => !result.refused).map((result) => result.key));
    expect(spentKeys.size).toBe(25);
    for (const result of results.filter((r) => !r.refused)) expect(result.balance).toBeGreaterThanOrEqual(0);
    expect(await one.credits.available(customerId, "images")).toBe(0);
    const history = await one.credits.history({ customerId, type: "images", limit: 100 });
    expect(history.items.filter((item) => item.action === "spend")).toHaveLength(25);
    expect((await one.ledger.verify()).ok).toBe(true);
  });

  it("a refusal in the middle of a batch leaves the spends around it intact", async () => {
    const customerId = `b_${randomBase62(8)}`;
    await one.credits.grant({ customerId, type: "images", amount: 10, idempotencyKey: "g" });
    const amounts = [3, 8, 2, 50, 4, 1];
    const results = await Promise.all(
      amounts.map((amount, index) =>
        one.credits.spend({ customerId, type: "images", amount, idempotencyKey: `k${index}` }).then(
          () => "spent",
          (error: BillhookError) => error.code,
        ),
      ),
    );
    // In submission order the balance allows 3, then not 8, then 2, not 50, 4, 1: 10 in all.
    const spent = amounts
      .filter((_, index) => results[index] === "spent")
      .reduce((sum, amount) => sum + amount, 0);
    expect(
      results.filter((result) => result !== "spent").every((code) => code === "INSUFFICIENT_CREDITS"),
    ).toBe(true);
    expect(await one.credits.available(customerId, "images")).toBe(10 - spent);
    expect(results[3]).toBe("INSUFFICIENT_CREDITS");
    expect((await one.ledger.verify()).ok).toBe(true);
  });

  it("batched spends that exhaust the balance exactly, with repeated keys: each answer is the one it would get alone", async () => {
    const customerId = `b_${randomBase62(8)}`;
    await one.credits.grant({ customerId, type: "images", amount: 20, idempotencyKey: "g1" });
    await one.credits.grant({ customerId, type: "images", amount: 12, idempotencyKey: "g2", priority: 1 });
    // 32 credits, 16 distinct keys of 2 each: exactly enough. Every key is sent three times, from two
    // instances, and one key is reused for a different amount.
    const keys = Array.from({ length: 16 }, (_, index) => `job_${index}`);
    const sends = [...keys, ...keys, ...keys];
    const results = await Promise.all(
      sends.map((key, index) =>
        (index % 3 === 0 ? two : one).credits
          .spend({ customerId, type: "images", amount: 2, idempotencyKey: key })
          .then(
            (result) => ({ key, ...result, code: null as string | null }),
            (error: BillhookError) => ({ key, balance: -1, replayed: false, code: error.code }),
          ),
      ),
    );
    const reused = await one.credits
      .spend({ customerId, type: "images", amount: 1, idempotencyKey: "job_0" })
      .then(
        () => null,
        (error: BillhookError) => error.code,
      );
    const late = await one.credits
      .spend({ customerId, type: "images", amount: 1, idempotencyKey: "late" })
      .then(
        () => null,
        (error: BillhookError) => ({ code: error.code, balance: error.details.balance }),
      );

    expect(results.filter((result) => result.code !== null)).toEqual([]);
    const first = results.filter((result) => !result.replayed);
    expect(first.map((result) => result.key).sort()).toEqual([...keys].sort());
    // Each first spend saw its own balance after: 30, 28, … 0, each once.
    expect(first.map((result) => result.balance).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, index) => index * 2),
    );
    for (const result of results) expect(result.balance).toBeGreaterThanOrEqual(0);
    expect(reused).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(late).toEqual({ code: "INSUFFICIENT_CREDITS", balance: 0 });

    expect(await one.credits.available(customerId, "images")).toBe(0);
    const history = await one.credits.history({ customerId, type: "images", limit: 100 });
    expect(history.items.filter((item) => item.action === "spend")).toHaveLength(16);
    const grantsLeft = await fixture
      .storage()
      .kysely.selectFrom("credit_grants")
      .select(["id", "amount_remaining"])
      .where("customer_id", "=", customerId)
      .execute();
    expect(grantsLeft.map((grant) => Number(grant.amount_remaining))).toEqual([0, 0]);
    const depleted = await fixture
      .storage()
      .kysely.selectFrom("domain_events")
      .select("id")
      .where("customer_id", "=", customerId)
      .where("type", "=", "credits.depleted")
      .execute();
    expect(depleted).toHaveLength(1);
    expect((await one.ledger.verify()).ok).toBe(true);
  });

  it("refusals in a batch are decided in order on what the spends before them left", async () => {
    const customerId = `b_${randomBase62(8)}`;
    await one.credits.grant({ customerId, type: "images", amount: 9, idempotencyKey: "g" });
    // Keep the instance busy so the next spends queue up and share one batch.
    const opener = one.credits.spend({ customerId, type: "images", amount: 1, idempotencyKey: "opener" });
    const amounts = [5, 4, 1, 3, 2, 1];
    const results = await Promise.all(
      amounts.map((amount, index) =>
        one.credits.spend({ customerId, type: "images", amount, idempotencyKey: `k${index}` }).then(
          (result) => result.balance,
          (error: BillhookError) => `${error.code}:${String(error.details.balance)}`,
        ),
      ),
    );
    expect((await opener).balance).toBe(8);
    // 8 left: 5 (3 left), not 4, 1 (2 left), not 3, 2 (0 left), not 1.
    expect(results).toEqual([
      3,
      "INSUFFICIENT_CREDITS:3",
      2,
      "INSUFFICIENT_CREDITS:2",
      0,
      "INSUFFICIENT_CREDITS:0",
    ]);
    expect(await one.credits.available(customerId, "images")).toBe(0);
    expect((await one.ledger.verify()).ok).toBe(true);
  });
});
