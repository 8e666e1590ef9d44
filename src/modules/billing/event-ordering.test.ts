import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OrderStatus, SubscriptionStatus } from "../provider/index.js";
import { isStale, orderProgressOf, subscriptionProgressOf } from "./event-ordering.js";

type Description = { modifiedAtMs: number; progress: number };
const at = (modifiedAtMs: number, progress: number): Description => ({ modifiedAtMs, progress });

describe("isStale: whether an incoming description is older than the one held", () => {
  it.each<{ rule: string; held: Description; incoming: Description; stale: boolean }>([
    {
      rule: "an older time is stale, however far along",
      held: at(2_000, 0),
      incoming: at(1_000, 9),
      stale: true,
    },
    {
      rule: "a newer time replaces, even if less far along",
      held: at(1_000, 9),
      incoming: at(2_000, 0),
      stale: false,
    },
    {
      rule: "at equal times, less far along is stale",
      held: at(1_000, 3),
      incoming: at(1_000, 2),
      stale: true,
    },
    {
      rule: "at equal times, further along replaces",
      held: at(1_000, 2),
      incoming: at(1_000, 3),
      stale: false,
    },
    {
      rule: "the same description again is not stale (a replay applies)",
      held: at(1_000, 2),
      incoming: at(1_000, 2),
      stale: false,
    },
  ])("$rule", ({ held, incoming, stale }) => {
    expect(isStale(held, incoming)).toBe(stale);
  });
});

/** Whether a description with `incoming`, at the same time as one with `held`, is refused. */
const staleAtEqualTimes = (held: number, incoming: number) => isStale(at(1_000, held), at(1_000, incoming));

describe("order progress: at equal times, which order status wins", () => {
  it.each<{ held: OrderStatus; incoming: OrderStatus; stale: boolean; why: string }>([
    { held: "paid", incoming: "pending", stale: true, why: "a late order.created never undoes order.paid" },
    { held: "pending", incoming: "paid", stale: false, why: "payment moves an order on" },
    { held: "draft", incoming: "pending", stale: false, why: "checkout moves a draft on" },
    {
      held: "partially_refunded",
      incoming: "paid",
      stale: true,
      why: "a refund is not undone by the payment",
    },
    {
      held: "refunded",
      incoming: "partially_refunded",
      stale: true,
      why: "a whole refund is further than a part",
    },
    { held: "partially_refunded", incoming: "refunded", stale: false, why: "the rest refunded" },
    {
      held: "paid",
      incoming: "void",
      stale: false,
      why: "paid and void are as far along: the later delivery wins",
    },
    {
      held: "void",
      incoming: "paid",
      stale: false,
      why: "paid and void are as far along: the later delivery wins",
    },
    { held: "void", incoming: "pending", stale: true, why: "a voided order does not go back to pending" },
  ])("held $held, told $incoming: stale = $stale ($why)", ({ held, incoming, stale }) => {
    expect(staleAtEqualTimes(orderProgressOf(held), orderProgressOf(incoming))).toBe(stale);
  });
});

type Subscription = { status: SubscriptionStatus; cancelAtPeriodEnd: boolean };
const subscription = (status: SubscriptionStatus, cancelAtPeriodEnd = false): Subscription => ({
  status,
  cancelAtPeriodEnd,
});
const label = ({ status, cancelAtPeriodEnd }: Subscription) =>
  cancelAtPeriodEnd ? `${status} (canceling)` : status;
const progressOf = ({ status, cancelAtPeriodEnd }: Subscription) =>
  subscriptionProgressOf(status, cancelAtPeriodEnd);

describe("subscription progress: at equal times, which subscription state wins", () => {
  it.each<{ held: Subscription; incoming: Subscription; stale: boolean; why: string }>(
    [
      {
        held: subscription("incomplete"),
        incoming: subscription("active"),
        stale: false,
        why: "first payment",
      },
      {
        held: subscription("trialing"),
        incoming: subscription("active"),
        stale: false,
        why: "trial converts",
      },
      {
        held: subscription("active"),
        incoming: subscription("trialing"),
        stale: true,
        why: "no trial after payment",
      },
      {
        held: subscription("active"),
        incoming: subscription("active", true),
        stale: false,
        why: "scheduling a cancellation is a step forward at the same status",
      },
      {
        held: subscription("active", true),
        incoming: subscription("active"),
        stale: true,
        why: "so un-scheduling it in the same instant is refused",
      },
      {
        held: subscription("active", true),
        incoming: subscription("past_due"),
        stale: false,
        why: "payment failed",
      },
      {
        held: subscription("past_due"),
        incoming: subscription("unpaid"),
        stale: false,
        why: "retries exhausted",
      },
      { held: subscription("past_due"), incoming: subscription("paused"), stale: false, why: "as far along" },
      { held: subscription("paused"), incoming: subscription("past_due"), stale: false, why: "as far along" },
      {
        held: subscription("past_due"),
        incoming: subscription("active"),
        stale: true,
        why: "a recovery stamped with the very same time as the failure is refused (only at equal times)",
      },
      {
        held: subscription("canceled"),
        incoming: subscription("active", true),
        stale: true,
        why: "canceled is final",
      },
      {
        held: subscription("canceled"),
        incoming: subscription("unpaid"),
        stale: true,
        why: "canceled is final",
      },
      {
        held: subscription("incomplete_expired"),
        incoming: subscription("canceled"),
        stale: false,
        why: "both final",
      },
    ].map((row) => ({ ...row, heldLabel: label(row.held), incomingLabel: label(row.incoming) })),
  )("held $heldLabel, told $incomingLabel: stale = $stale ($why)", ({ held, incoming, stale }) => {
    expect(staleAtEqualTimes(progressOf(held), progressOf(incoming))).toBe(stale);
  });

  const statuses: SubscriptionStatus[] = [
    "incomplete",
    "trialing",
    "active",
    "past_due",
    "paused",
    "unpaid",
    "incomplete_expired",
    "canceled",
  ];

  it.each(statuses)(
    "%s canceling at period end: past the plain status, short of every status further along",
    (status) => {
      const plain = subscriptionProgressOf(status, false);
      const canceling = subscriptionProgressOf(status, true);
      expect(canceling).toBeGreaterThan(plain);
      for (const other of statuses) {
        const otherPlain = subscriptionProgressOf(other, false);
        if (otherPlain > plain) expect(otherPlain, label(subscription(other))).toBeGreaterThan(canceling);
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// Properties: "incoming < held" is a strict total order on (modifiedAtMs, progress).

const descriptionArbitrary = fc.record({
  // Few distinct values, so equal times and equal progress come up often.
  modifiedAtMs: fc.integer({ min: 0, max: 4 }).map((step) => 1_700_000_000_000 + step * 1_000),
  progress: fc.integer({ min: 0, max: 4 }),
});
const sameKey = (a: Description, b: Description) =>
  a.modifiedAtMs === b.modifiedAtMs && a.progress === b.progress;
/** `a` comes before `b`: a description with `a` is stale where `b` is held. */
const precedes = (a: Description, b: Description) => isStale(b, a);

describe("isStale: a strict order", () => {
  it("irreflexive: no description is stale against itself", () => {
    fc.assert(fc.property(descriptionArbitrary, (a) => !isStale(a, { ...a })));
  });

  it("asymmetric: of two descriptions, at most one is stale against the other", () => {
    fc.assert(
      fc.property(descriptionArbitrary, descriptionArbitrary, (a, b) => !(precedes(a, b) && precedes(b, a))),
    );
  });

  it("transitive", () => {
    fc.assert(
      fc.property(descriptionArbitrary, descriptionArbitrary, descriptionArbitrary, (a, b, c) => {
        fc.pre(precedes(a, b) && precedes(b, c));
        return precedes(a, c);
      }),
    );
  });

  it("total: two different descriptions are always ordered one way", () => {
    fc.assert(
      fc.property(descriptionArbitrary, descriptionArbitrary, (a, b) => {
        fc.pre(!sameKey(a, b));
        return precedes(a, b) !== precedes(b, a);
      }),
    );
  });

  it("consistent under permutation: delivered in any order, the furthest description is what is held", () => {
    const deliveriesArbitrary = fc
      .array(descriptionArbitrary, { minLength: 1, maxLength: 10 })
      .chain((descriptions) =>
        fc
          .shuffledSubarray(descriptions, { minLength: descriptions.length, maxLength: descriptions.length })
          .map((shuffled) => ({ descriptions, shuffled })),
      );
    const hold = (deliveries: Description[]) =>
      deliveries.reduce((held, incoming) => (isStale(held, incoming) ? held : incoming));
    fc.assert(
      fc.property(deliveriesArbitrary, ({ descriptions, shuffled }) => {
        const inOrder = hold(descriptions);
        const shuffledHeld = hold(shuffled);
        expect(sameKey(inOrder, shuffledHeld)).toBe(true);
        for (const description of descriptions) expect(precedes(inOrder, description)).toBe(false);
      }),
    );
  });
});
