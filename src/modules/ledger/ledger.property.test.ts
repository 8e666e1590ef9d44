import fc from "fast-check";
import { expect, it } from "vitest";
import { BillhookError, ManualClock, randomBase62 } from "../../kernel/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Ledger } from "./ledger-service.js";
import type { AccountKey, PostingInput } from "./ledger-types.js";

const kinds = ["clearing", "wallet", "revenue", "fees"] as const;
const currencies = ["USD", "EUR", "CREDITS"] as const;

const entryArbitrary = fc.record({
  kind: fc.constantFrom(...kinds),
  currency: fc.constantFrom(...currencies),
  amountMinor: fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((amount) => amount !== 0),
});

/** A balanced posting: random legs, then one closing leg per currency that brings its sum to zero. */
const balancedArbitrary = fc.array(entryArbitrary, { minLength: 1, maxLength: 5 }).map((legs) => {
  const sums = new Map<string, number>();
  for (const leg of legs) sums.set(leg.currency, (sums.get(leg.currency) ?? 0) + leg.amountMinor);
  const closing = [...sums]
    .filter(([, sum]) => sum !== 0)
    .map(([currency, sum]) => ({ kind: "clearing" as const, currency, amountMinor: -sum }));
  return [...legs, ...closing];
});

const unbalancedArbitrary = fc
  .tuple(balancedArbitrary, fc.integer({ min: 1, max: 1000 }))
  .map(([legs, skew]) =>
    legs.map((leg, index) => (index === 0 ? { ...leg, amountMinor: leg.amountMinor + skew } : leg)),
  )
  .filter((legs) => legs.length >= 2 && legs.every((leg) => leg.amountMinor !== 0));

type Leg = { kind: string; currency: string; amountMinor: number };

type Command =
  | { type: "post"; legs: Leg[] }
  | { type: "unbalanced"; legs: Leg[] }
  | { type: "replay"; pick: number }
  | { type: "conflict"; pick: number };

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: balancedArbitrary.map((legs) => ({ type: "post" as const, legs })) },
  { weight: 2, arbitrary: unbalancedArbitrary.map((legs) => ({ type: "unbalanced" as const, legs })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ type: "replay" as const, pick })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ type: "conflict" as const, pick })) },
);

describeEachDialect("ledger model", (fixture) => {
  it("commits balanced postings exactly once, rejects the rest, and always verifies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 1, maxLength: 25 }), async (commands) => {
        const ledger = new Ledger(fixture.storage(), new ManualClock());
        const owner = `model_${randomBase62(12)}`;
        const accountOf = (kind: string, currency: string): AccountKey => ({
          kind,
          ownerId: owner,
          currency,
        });
        const toInput = (id: string, legs: Leg[]): PostingInput => ({
          id,
          entries: legs.map((leg) => ({
            account: accountOf(leg.kind, leg.currency),
            amountMinor: leg.amountMinor,
          })),
        });
        const expected = new Map<string, number>();
        const posted: PostingInput[] = [];
        const bookings = new Map<string, number>();
        const countBooking = (result: { replayed: boolean; transaction: { id: string } }) => {
          if (!result.replayed)
            bookings.set(result.transaction.id, (bookings.get(result.transaction.id) ?? 0) + 1);
        };

        // Commands run in parallel batches of three, so replays can race their originals. A conflicting
        // variant only targets postings of earlier batches: racing the original, either may win.
        for (let start = 0; start < commands.length; start += 3) {
          const settled = posted.length;
          const batch = commands.slice(start, start + 3).map((command, offset) => {
            const id = `${owner}_${start + offset}`;
            if (command.type === "post") {
              const input = toInput(id, command.legs);
              posted.push(input);
              for (const leg of command.legs) {
                const key = `${leg.kind}/${leg.currency}`;
                expected.set(key, (expected.get(key) ?? 0) + leg.amountMinor);
              }
              return ledger.post(input).then(countBooking);
            }
            if (command.type === "unbalanced") {
              return expectCode(ledger.post(toInput(id, command.legs)), "UNBALANCED_TRANSACTION");
            }
            if (command.type === "replay") {
              const original = posted[command.pick % Math.max(posted.length, 1)];
              return original ? ledger.post(original).then(countBooking) : Promise.resolve();
            }
            const original = posted[command.pick % Math.max(settled, 1)];
            if (!original || settled === 0) return Promise.resolve();
            return expectCode(
              ledger.post({ ...original, description: "something else" }),
              "TRANSACTION_CONFLICT",
            );
          });
          await Promise.all(batch);
        }

        expect([...bookings.values()].every((count) => count === 1)).toBe(true);
        expect(bookings.size).toBe(posted.length);
        for (const [key, amount] of expected) {
          const [kind, currency] = key.split("/") as [string, string];
          expect(await ledger.balanceOf(accountOf(kind, currency))).toBe(amount);
        }
        const verification = await ledger.verify();
        expect(verification.differences).toEqual([]);
        expect(verification.unbalancedTransactions).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BillhookError);
  expect((error as BillhookError).code).toBe(code);
}
