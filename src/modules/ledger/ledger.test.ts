import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { BillhookError, ManualClock } from "../../kernel/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Ledger } from "./ledger-service.js";
import type { AccountKey, PostingInput } from "./ledger-types.js";

const usd = (kind: string, ownerId = ""): AccountKey => ({ kind, ownerId, currency: "USD" });
let sequence = 0;
const uniqueId = (label: string) => `${label}_${Date.now()}_${sequence++}`;

function transfer(id: string, from: AccountKey, to: AccountKey, amountMinor: number): PostingInput {
  return {
    id,
    entries: [
      { account: from, amountMinor: -amountMinor },
      { account: to, amountMinor },
    ],
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof BillhookError ? error.code : String(error);
  }
}

describeEachDialect("ledger", (fixture) => {
  const ledgerOf = () => new Ledger(fixture.storage(), new ManualClock());

  it("books a balanced transaction and projects both balances", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("user");
    const result = await ledger.post(transfer(uniqueId("tx"), usd("clearing"), usd("wallet", owner), 1250));

    expect(result.replayed).toBe(false);
    expect(result.transaction.entries.map((entry) => entry.amountMinor)).toEqual([-1250, 1250]);
    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(1250);
    const read = await ledger.getTransaction(result.transaction.id);
    expect(read).toEqual(result.transaction);
  });

  it("returns the original when the same id is posted again with the same content", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("user");
    const input = transfer(uniqueId("tx"), usd("clearing"), usd("wallet", owner), 500);
    const first = await ledger.post(input);
    const second = await ledger.post(input);

    expect(second.replayed).toBe(true);
    expect(second.transaction).toEqual(first.transaction);
    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(500);
  });

  it("refuses the same id with different content as a conflict and changes nothing", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("user");
    const id = uniqueId("tx");
    await ledger.post(transfer(id, usd("clearing"), usd("wallet", owner), 500));

    const code = await codeOf(ledger.post(transfer(id, usd("clearing"), usd("wallet", owner), 501)));
    expect(code).toBe("TRANSACTION_CONFLICT");
    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(500);
  });

  it("rejects an unbalanced transaction before writing anything", async () => {
    const ledger = ledgerOf();
    const id = uniqueId("tx");
    const code = await codeOf(
      ledger.post({
        id,
        entries: [
          { account: usd("clearing"), amountMinor: -100 },
          { account: usd("wallet", "u"), amountMinor: 99 },
        ],
      }),
    );
    expect(code).toBe("UNBALANCED_TRANSACTION");
    expect(await codeOf(ledger.getTransaction(id))).toBe("NOT_FOUND");
  });

  it("keeps each currency balanced on its own", async () => {
    const ledger = ledgerOf();
    const code = await codeOf(
      ledger.post({
        id: uniqueId("tx"),
        entries: [
          { account: usd("clearing"), amountMinor: -100 },
          { account: { kind: "wallet", ownerId: "u", currency: "EUR" }, amountMinor: 100 },
        ],
      }),
    );
    expect(code).toBe("UNBALANCED_TRANSACTION");
  });

  it("refuses a posting that would take an account below its floor, atomically", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("user");
    await ledger.post(transfer(uniqueId("grant"), usd("promo"), usd("wallet", owner), 300));
    const spendId = uniqueId("spend");
    const code = await codeOf(
      ledger.post({
        id: spendId,
        entries: [
          { account: usd("wallet", owner), amountMinor: -301, balanceFloorMinor: 0 },
          { account: usd("usage"), amountMinor: 301 },
        ],
      }),
    );

    expect(code).toBe("INSUFFICIENT_BALANCE");
    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(300);
    expect(await codeOf(ledger.getTransaction(spendId))).toBe("NOT_FOUND");
  });

  it("books exactly one transaction when 50 clients post the same id at once, across two instances", async () => {
    const clock = new ManualClock();
    const instances = [new Ledger(fixture.storage(), clock), new Ledger(fixture.openAnother(), clock)];
    const owner = uniqueId("user");
    const input = transfer(uniqueId("tx"), usd("clearing"), usd("wallet", owner), 700);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => instances[index % 2]!.post(input)),
    );

    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => JSON.stringify(result.transaction))).size).toBe(1);
    expect(await ledgerOf().balanceOf(usd("wallet", owner))).toBe(700);
    expect((await ledgerOf().verify()).ok).toBe(true);
  });

  it("never overspends when 40 parallel spends race for a balance of 10", async () => {
    const instances = [ledgerOf(), new Ledger(fixture.openAnother(), new ManualClock())];
    const owner = uniqueId("user");
    await instances[0]!.post(transfer(uniqueId("grant"), usd("promo"), usd("wallet", owner), 10));

    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        codeOf(
          instances[index % 2]!.post({
            id: uniqueId("spend"),
            entries: [
              { account: usd("wallet", owner), amountMinor: -1, balanceFloorMinor: 0 },
              { account: usd("usage"), amountMinor: 1 },
            ],
          }),
        ),
      ),
    );

    expect(outcomes.filter((outcome) => outcome === "resolved")).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === "INSUFFICIENT_BALANCE")).toHaveLength(30);
    expect(await instances[0]!.balanceOf(usd("wallet", owner))).toBe(0);
  });

  it("lets the database refuse any UPDATE or DELETE of an entry or transaction", async () => {
    const ledger = ledgerOf();
    const { transaction } = await ledger.post(
      transfer(uniqueId("tx"), usd("clearing"), usd("wallet", "x"), 5),
    );
    const db = fixture.storage().kysely;

    await expect(
      db
        .updateTable("ledger_entries")
        .set({ amount_minor: 6 })
        .where("transaction_id", "=", transaction.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.deleteFrom("ledger_entries").where("transaction_id", "=", transaction.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      db
        .updateTable("ledger_transactions")
        .set({ description: "edited" })
        .where("id", "=", transaction.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.deleteFrom("ledger_transactions").where("id", "=", transaction.id).execute(),
    ).rejects.toThrow(/append-only/);
    expect(await ledger.getTransaction(transaction.id)).toEqual(transaction);
  });

  it("round-trips amounts up to the largest safe integer exactly", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("whale");
    const huge = Number.MAX_SAFE_INTEGER - 1;
    const { transaction } = await ledger.post(
      transfer(uniqueId("tx"), usd("clearing", owner), usd("wallet", owner), huge),
    );

    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(huge);
    expect(await ledger.balanceOf(usd("clearing", owner))).toBe(-huge);
    expect((await ledger.getTransaction(transaction.id)).entries[1]!.amountMinor).toBe(huge);
  });

  it("refuses a posting whose balance would leave the exact range, and never rounds a read", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("overflow");
    const huge = Number.MAX_SAFE_INTEGER;
    await ledger.post(transfer(uniqueId("tx"), usd("clearing", owner), usd("wallet", owner), huge));

    await expect(
      ledger.post(transfer(uniqueId("tx"), usd("clearing", owner), usd("wallet", owner), huge)),
    ).rejects.toThrow(RangeError);
    expect(await ledger.balanceOf(usd("wallet", owner))).toBe(huge);
    await expect(
      sql`select cast('9007199254740993' as bigint) as beyond`.execute(fixture.storage().kysely),
    ).rejects.toThrow(RangeError);
  });

  it("reports a balance projection that no longer matches its entries", async () => {
    const ledger = ledgerOf();
    const owner = uniqueId("tampered");
    const { balances } = await ledger.post(
      transfer(uniqueId("tx"), usd("clearing"), usd("wallet", owner), 40),
    );
    const walletId = (await fixture
      .storage()
      .read((stores) => stores.ledger.findAccountByKey(usd("wallet", owner))))!.id;
    expect(balances.map((balance) => balance.accountId)).toContain(walletId);

    await fixture
      .storage()
      .kysely.updateTable("ledger_balances")
      .set({ balance_minor: 41 })
      .where("account_id", "=", walletId)
      .execute();
    const report = await ledger.verify();

    expect(report.ok).toBe(false);
    expect(report.differences).toContainEqual(
      expect.objectContaining({ accountId: walletId, projectedMinor: 41, recomputedMinor: 40 }),
    );
    await fixture
      .storage()
      .kysely.updateTable("ledger_balances")
      .set({ balance_minor: 40 })
      .where("account_id", "=", walletId)
      .execute();
    expect((await ledger.verify()).ok).toBe(true);
  });
});

describe("ledger input validation", () => {
  it("names each bad field", async () => {
    const ledger = new Ledger(
      {
        transaction: () => Promise.reject(new Error("must not be reached")),
        read: () => Promise.reject(new Error("must not be reached")),
      },
      new ManualClock(),
    );
    const error = await ledger
      .post({
        id: "",
        entries: [
          { account: { kind: "Bad Kind", ownerId: "", currency: "usd" }, amountMinor: 1.5 },
          { account: { kind: "ok", ownerId: "", currency: "USD" }, amountMinor: 0 },
        ],
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BillhookError);
    const paths = ((error as BillhookError).details.issues as Array<{ path: string }>).map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "id",
        "entries.0.account.kind",
        "entries.0.account.currency",
        "entries.0.amountMinor",
        "entries.1.amountMinor",
      ]),
    );
  });
});
