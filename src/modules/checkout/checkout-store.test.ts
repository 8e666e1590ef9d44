import { expect, it } from "vitest";
import { randomBase62 } from "../../kernel/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import type { CheckoutStatus } from "../provider/index.js";
import { statusesReplacedBy } from "./checkout-store.js";

const statuses: CheckoutStatus[] = ["open", "confirmed", "failed", "succeeded", "expired"];

/** What a checkout holding `held` becomes when the provider says `incoming`: the whole table. */
const expected: Record<CheckoutStatus, Record<CheckoutStatus, CheckoutStatus>> = {
  open: {
    open: "open",
    confirmed: "confirmed",
    failed: "failed",
    succeeded: "succeeded",
    expired: "expired",
  },
  confirmed: {
    open: "confirmed",
    confirmed: "confirmed",
    failed: "failed",
    succeeded: "succeeded",
    expired: "expired",
  },
  // A declined payment retried on the same intent: only a success moves it on.
  failed: {
    open: "failed",
    confirmed: "failed",
    failed: "failed",
    succeeded: "succeeded",
    expired: "failed",
  },
  // A success is final: a failure or expiry delivered late never undoes it.
  succeeded: {
    open: "succeeded",
    confirmed: "succeeded",
    failed: "succeeded",
    succeeded: "succeeded",
    expired: "succeeded",
  },
  expired: {
    open: "expired",
    confirmed: "expired",
    failed: "expired",
    succeeded: "expired",
    expired: "expired",
  },
};

describeEachDialect("checkout outcomes", (fixture) => {
  it.each(statuses.flatMap((held) => statuses.map((incoming) => [held, incoming] as const)))(
    "a checkout held as %s, told %s",
    async (held, incoming) => {
      const id = `chk_${randomBase62(10)}`;
      const providerCheckoutId = `pi_${randomBase62(10)}`;
      await fixture.storage().transaction((stores) =>
        stores.checkouts.insert({
          id,
          customerId: "c_outcomes",
          catalogKey: "reports_pack",
          provider: "stripe",
          providerCheckoutId,
          url: "",
          amountMinor: null,
          status: held,
          createdAtMs: 1,
        }),
      );
      const updated = await fixture
        .storage()
        .transaction((stores) => stores.checkouts.updateStatus("stripe", providerCheckoutId, incoming, 2));
      const record = await fixture.storage().read((stores) => stores.checkouts.find(id));
      expect(record?.status).toBe(expected[held][incoming]);
      expect(updated).toBe(statusesReplacedBy(incoming).includes(held));
    },
  );

  it("says false for a checkout that is not ours", async () => {
    const updated = await fixture
      .storage()
      .transaction((stores) => stores.checkouts.updateStatus("stripe", "pi_not_ours", "succeeded", 1));
    expect(updated).toBe(false);
  });
});
