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
});
