import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillhookError } from "../../kernel/index.js";
import { type PostingInput, planPosting } from "../ledger/index.js";
import type { OrderStatus } from "../provider/index.js";
import type { OrderRecord } from "./billing-types.js";
import { orderPostings } from "./order-postings.js";

function order(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    providerOrderId: "ord_1",
    provider: "polar",
    customerId: "user_1",
    catalogKey: "reports_pack",
    providerSubscriptionId: null,
    status: "paid",
    billingReason: "purchase",
    currency: "USD",
    netMinor: 1_000,
    taxMinor: 200,
    totalMinor: 1_200,
    providerFeeMinor: 0,
    refundedMinor: 0,
    refundedTaxMinor: 0,
    providerModifiedAtMs: 0,
    ...overrides,
  };
}

/** A posting as `{ id: { "kind/owner": amountMinor } }`, which reads like a T-account. */
function booked(postings: PostingInput[]): Record<string, Record<string, number>> {
  return Object.fromEntries(
    postings.map((posting) => [
      posting.id,
      Object.fromEntries(
        posting.entries.map((entry) => [`${entry.account.kind}/${entry.account.ownerId}`, entry.amountMinor]),
      ),
    ]),
  );
}

const paid = "polar:order:ord_1:paid";
const fee = "polar:order:ord_1:fee";
const paidEntries = { "provider_balance/polar": 1_200, "revenue/": -1_000, "tax_payable/": -200 };

describe("orderPostings: what an order books", () => {
  it.each<{ rule: string; order: OrderRecord; held: OrderRecord | null; books: ReturnType<typeof booked> }>([
    { rule: "a draft books nothing", order: order({ status: "draft" }), held: null, books: {} },
    { rule: "a pending order books nothing", order: order({ status: "pending" }), held: null, books: {} },
    { rule: "a void order books nothing", order: order({ status: "void" }), held: null, books: {} },
    {
      rule: "paid: the provider holds the total; revenue and tax payable are credited",
      order: order(),
      held: null,
      books: { [paid]: paidEntries },
    },
    {
      rule: "paid without tax: no zero entry for tax",
      order: order({ netMinor: 900, taxMinor: 0, totalMinor: 900 }),
      held: null,
      books: { [paid]: { "provider_balance/polar": 900, "revenue/": -900 } },
    },
    {
      rule: "a free order (total 0) books nothing",
      order: order({ netMinor: 0, taxMinor: 0, totalMinor: 0 }),
      held: null,
      books: {},
    },
    {
      rule: "the provider's fee moves from its balance to an expense",
      order: order({ providerFeeMinor: 65 }),
      held: null,
      books: {
        [paid]: paidEntries,
        [fee]: { "provider_fees/polar": 65, "provider_balance/polar": -65 },
      },
    },
    {
      rule: "first seen partially refunded: the payment and the refund so far",
      order: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      held: null,
      books: {
        [paid]: paidEntries,
        "polar:order:ord_1:refunded:400:80": {
          "revenue/": 400,
          "tax_payable/": 80,
          "provider_balance/polar": -480,
        },
      },
    },
    {
      rule: "a further refund books only the difference, under the new cumulative amounts",
      order: order({ status: "refunded", refundedMinor: 1_000, refundedTaxMinor: 200 }),
      held: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      books: {
        [paid]: paidEntries,
        "polar:order:ord_1:refunded:1000:200": {
          "revenue/": 600,
          "tax_payable/": 120,
          "provider_balance/polar": -720,
        },
      },
    },
    {
      rule: "a refund without tax: no zero entry for tax",
      order: order({ status: "partially_refunded", refundedMinor: 300 }),
      held: order(),
      books: {
        [paid]: paidEntries,
        "polar:order:ord_1:refunded:300:0": { "revenue/": 300, "provider_balance/polar": -300 },
      },
    },
    {
      rule: "a refund already booked books no refund again (the payment is a replay of the same id)",
      order: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      held: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      books: { [paid]: paidEntries },
    },
    {
      rule: "never a negative refund: what was booked beyond this description is not taken back",
      order: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      held: order({ status: "refunded", refundedMinor: 1_000, refundedTaxMinor: 200 }),
      books: { [paid]: paidEntries },
    },
    {
      rule: "net refunded beyond what was booked, tax not: only the net side moves",
      order: order({ status: "partially_refunded", refundedMinor: 500, refundedTaxMinor: 50 }),
      held: order({ status: "partially_refunded", refundedMinor: 400, refundedTaxMinor: 80 }),
      books: {
        [paid]: paidEntries,
        "polar:order:ord_1:refunded:500:50": { "revenue/": 100, "provider_balance/polar": -100 },
      },
    },
  ])("$rule", ({ order: description, held, books }) => {
    expect(booked(orderPostings(description, held))).toEqual(books);
  });

  it("books in the order's currency and says which order, customer and product each posting is for", () => {
    const postings = orderPostings(
      order({ currency: "EUR", providerFeeMinor: 10, status: "partially_refunded", refundedMinor: 1 }),
      null,
    );
    expect(postings.map((posting) => posting.description)).toEqual([
      "Order ord_1 paid",
      "Provider fee on order ord_1",
      "Refund on order ord_1",
    ]);
    for (const posting of postings) {
      expect(posting.metadata).toEqual({
        customerId: "user_1",
        orderId: "ord_1",
        catalogKey: "reports_pack",
      });
      for (const entry of posting.entries) expect(entry.account.currency).toBe("EUR");
    }
  });

  it("keeps providers apart: the same order id at two providers books under two ids", () => {
    const polar = orderPostings(order(), null).map((posting) => posting.id);
    const stripe = orderPostings(order({ provider: "stripe" }), null).map((posting) => posting.id);
    expect(polar).toEqual(["polar:order:ord_1:paid"]);
    expect(stripe).toEqual(["stripe:order:ord_1:paid"]);
  });

  it("trusts the provider's total = net + tax: an order that breaks it is refused whole by the ledger", () => {
    // Both providers' mappings guarantee it (Stripe's net is total − tax; Polar's total is net + tax).
    const [posting] = orderPostings(order({ totalMinor: 1_201 }), null);
    expect(() => planPosting(posting!)).toThrow(BillhookError);
    expect(() => planPosting(posting!)).toThrow(/sum to zero/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties

const statuses: OrderStatus[] = ["draft", "pending", "paid", "void", "partially_refunded", "refunded"];

/** A consistent order: total = net + tax, refunds within what was paid. */
const orderArbitrary: fc.Arbitrary<OrderRecord> = fc
  .record({
    status: fc.constantFrom(...statuses),
    currency: fc.constantFrom("USD", "EUR", "JPY"),
    netMinor: fc.nat(1_000_000),
    taxMinor: fc.nat(200_000),
    providerFeeMinor: fc.nat(50_000),
    refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    refundedTaxShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ refundedShare, refundedTaxShare, ...amounts }) =>
    order({
      ...amounts,
      totalMinor: amounts.netMinor + amounts.taxMinor,
      refundedMinor: Math.floor(amounts.netMinor * refundedShare),
      refundedTaxMinor: Math.floor(amounts.taxMinor * refundedTaxShare),
    }),
  );

describe("orderPostings: properties", () => {
  it("every posting sums to zero per currency, has no zero entry, and passes the ledger's own checks", () => {
    fc.assert(
      fc.property(orderArbitrary, fc.option(orderArbitrary, { nil: null }), (description, held) => {
        const postings = orderPostings(description, held);
        for (const posting of postings) {
          const sums = new Map<string, number>();
          for (const entry of posting.entries) {
            expect(entry.amountMinor).not.toBe(0);
            sums.set(entry.account.currency, (sums.get(entry.account.currency) ?? 0) + entry.amountMinor);
          }
          for (const sum of sums.values()) expect(sum).toBe(0);
          expect(() => planPosting(posting)).not.toThrow();
        }
        expect(new Set(postings.map((posting) => posting.id)).size).toBe(postings.length);
      }),
    );
  });

  /**
   * One order's life (paid, then refunds growing) delivered any number of times in any order, each
   * applied as `Billing` does: refunds never shrink (`max` with what is held), the postings of each
   * delivery go to a ledger that keeps one transaction per id and refuses an id with other content.
   * Every amount ends up booked exactly once, and no id ever carries two contents.
   */
  it("replays and reorderings book each amount exactly once", () => {
    const lifeArbitrary = fc
      .record({
        netMinor: fc.integer({ min: 1, max: 100_000 }),
        taxMinor: fc.nat(20_000),
        providerFeeMinor: fc.nat(5_000),
        refundSteps: fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { maxLength: 4 }),
      })
      .map(({ netMinor, taxMinor, providerFeeMinor, refundSteps }) => {
        const base = order({ netMinor, taxMinor, totalMinor: netMinor + taxMinor, providerFeeMinor });
        const states: OrderRecord[] = [order({ ...base, status: "pending" }), base];
        let refunded = 0;
        let refundedTax = 0;
        for (const [netPercent, taxPercent] of refundSteps) {
          refunded = Math.min(netMinor, refunded + Math.floor((netMinor * netPercent) / 100));
          refundedTax = Math.min(taxMinor, refundedTax + Math.floor((taxMinor * taxPercent) / 100));
          const whole = refunded === netMinor && refundedTax === taxMinor;
          states.push({
            ...base,
            status: whole ? "refunded" : "partially_refunded",
            refundedMinor: refunded,
            refundedTaxMinor: refundedTax,
          });
        }
        return states;
      });
    // Every state arrives at least once, some again, in any order.
    const deliveriesArbitrary = lifeArbitrary.chain((states) =>
      fc
        .array(fc.constantFrom(...states), { maxLength: 8 })
        .chain((repeats) => {
          const all = [...states, ...repeats];
          return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
        })
        .map((deliveries) => ({ final: states.at(-1)!, deliveries })),
    );

    fc.assert(
      fc.property(deliveriesArbitrary, ({ final, deliveries }) => {
        const ledger = new Map<string, string>();
        const balances = new Map<string, number>();
        let held: OrderRecord | null = null;
        for (const incoming of deliveries) {
          const record: OrderRecord = {
            ...incoming,
            refundedMinor: Math.max(incoming.refundedMinor, held?.refundedMinor ?? 0),
            refundedTaxMinor: Math.max(incoming.refundedTaxMinor, held?.refundedTaxMinor ?? 0),
          };
          for (const posting of orderPostings(record, held)) {
            const content = JSON.stringify(posting);
            const existing = ledger.get(posting.id);
            if (existing !== undefined) {
              expect(content, `posting ${posting.id} replayed with other content`).toBe(existing);
              continue;
            }
            ledger.set(posting.id, content);
            for (const entry of posting.entries) {
              const account = `${entry.account.kind}/${entry.account.ownerId}`;
              balances.set(account, (balances.get(account) ?? 0) + entry.amountMinor);
            }
          }
          held = record;
        }

        const refundedTotal = final.refundedMinor + final.refundedTaxMinor;
        const expected: Record<string, number> = {
          "provider_balance/polar": final.totalMinor - final.providerFeeMinor - refundedTotal,
          "revenue/": -final.netMinor + final.refundedMinor,
          "tax_payable/": -final.taxMinor + final.refundedTaxMinor,
          "provider_fees/polar": final.providerFeeMinor,
        };
        for (const [account, amount] of Object.entries(expected)) {
          expect(balances.get(account) ?? 0, account).toBe(amount);
        }
      }),
    );
  });

  it("is a pure function of its arguments: the same order and booked state give the same postings", () => {
    fc.assert(
      fc.property(orderArbitrary, fc.option(orderArbitrary, { nil: null }), (description, held) => {
        expect(orderPostings(description, held)).toEqual(orderPostings(structuredClone(description), held));
      }),
    );
  });
});
