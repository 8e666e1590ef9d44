import { describe, expect, it } from "vitest";
import type { ApplyOutcome } from "../billing/index.js";
import type { ProviderEvent, ProviderOrder } from "../provider/index.js";
import {
  type ProviderEventModules,
  type ProviderEventStores,
  providerEventRouter,
} from "./provider-event-router.js";

/** Records which module was asked to apply what, and answers a set outcome. */
function fakeModules(outcome: ApplyOutcome, checkoutCustomer: string | null) {
  const calls: string[] = [];
  const modules: ProviderEventModules = {
    billing: {
      apply: async (_stores, provider, event) => {
        calls.push(`billing.${event.kind}@${provider}`);
        return outcome;
      },
    },
    checkouts: {
      recordOutcome: async (_stores, provider, event) => {
        calls.push(`checkouts.${event.status}@${provider}`);
        return outcome === "ignored" ? "stale" : outcome;
      },
    },
    marketplace: {
      apply: async (_stores, event) => {
        calls.push(`marketplace.${event.kind}`);
        return outcome;
      },
    },
  };
  const stores = {
    checkouts: { customerOf: async () => checkoutCustomer },
  } as unknown as ProviderEventStores;
  return { calls, modules, stores };
}

const order = { externalCustomerId: "cust_order" } as ProviderOrder;
const event = <E extends ProviderEvent>(value: E) => value;

/** One row per `ProviderEvent` kind: who applies it, and who hears of it after commit. */
const rows: Array<{ event: ProviderEvent; calls: string[]; customers: string[] }> = [
  {
    event: event({ kind: "subscription", subscription: { externalCustomerId: "cust_sub" } as never }),
    calls: ["billing.subscription@polar"],
    customers: ["cust_sub"],
  },
  { event: event({ kind: "order", order }), calls: ["billing.order@polar"], customers: ["cust_order"] },
  {
    event: event({ kind: "grant", grant: { externalCustomerId: null } as never }),
    calls: ["billing.grant@polar"],
    customers: [],
  },
  {
    event: event({ kind: "checkout", providerCheckoutId: "co_1", status: "succeeded" }),
    calls: ["checkouts.succeeded@polar"],
    customers: ["cust_checkout"],
  },
  {
    event: event({ kind: "payment", providerPaymentId: "pi_1", status: "succeeded", order }),
    calls: ["checkouts.succeeded@polar", "billing.order@polar"],
    customers: ["cust_order", "cust_checkout"],
  },
  {
    event: event({ kind: "payment", providerPaymentId: "pi_2", status: "failed", order: null }),
    calls: ["checkouts.failed@polar"],
    customers: ["cust_checkout"],
  },
  ...(
    [
      "seller_account",
      "seller_charge",
      "seller_refund",
      "seller_dispute",
      "seller_payout",
      "seller_membership",
    ] as const
  ).map((kind) => ({
    event: { kind } as ProviderEvent,
    calls: [`marketplace.${kind}`],
    customers: [],
  })),
  { event: event({ kind: "ignored", reason: "not ours" }), calls: [], customers: [] },
];

describe("provider event router", () => {
  it.each(rows)("routes $event.kind to its module and announces its customers", async (row) => {
    const { calls, modules, stores } = fakeModules("applied", "cust_checkout");
    const announced: string[] = [];
    const apply = providerEventRouter(modules, (_stores, customerId) => announced.push(customerId));
    const outcome = await apply(stores, "polar", row.event);
    expect(calls).toEqual(row.calls);
    expect(announced).toEqual(row.customers);
    expect(outcome).toBe(row.event.kind === "ignored" ? "ignored" : "applied");
  });

  it("covers every kind the provider port declares", () => {
    const declared: Record<ProviderEvent["kind"], true> = {
      subscription: true,
      order: true,
      grant: true,
      checkout: true,
      payment: true,
      seller_account: true,
      seller_charge: true,
      seller_refund: true,
      seller_dispute: true,
      seller_payout: true,
      seller_membership: true,
      ignored: true,
    };
    expect(new Set(rows.map((row) => row.event.kind))).toEqual(new Set(Object.keys(declared)));
  });

  it.each<[ApplyOutcome, ApplyOutcome, ApplyOutcome]>([
    // attempt (recordOutcome), order (billing), recorded outcome of the payment
    ["applied", "ignored", "applied"],
    ["stale", "applied", "applied"],
    ["stale", "stale", "stale"],
    ["stale", "ignored", "stale"],
  ])(
    "records a payment as the strongest of its parts (attempt %s, order %s → %s)",
    async (attempt, order_, expected) => {
      const modules: ProviderEventModules = {
        billing: { apply: async () => order_ },
        checkouts: { recordOutcome: async () => attempt as "applied" | "stale" },
        marketplace: { apply: async () => "ignored" },
      };
      const stores = { checkouts: { customerOf: async () => null } } as unknown as ProviderEventStores;
      const apply = providerEventRouter(modules, () => {});
      expect(
        await apply(stores, "stripe", {
          kind: "payment",
          providerPaymentId: "pi",
          status: "succeeded",
          order,
        }),
      ).toBe(expected);
    },
  );

  it("announces a customer once even when two parts of an event name them", async () => {
    const { modules, stores } = fakeModules("applied", "cust_order");
    const announced: string[] = [];
    const apply = providerEventRouter(modules, (_stores, customerId) => announced.push(customerId));
    await apply(stores, "stripe", { kind: "payment", providerPaymentId: "pi", status: "succeeded", order });
    expect(announced).toEqual(["cust_order"]);
  });
});
