import { BillhookError, type Clock, NotFoundError, type StoreAccess } from "../../kernel/index.js";
import type { BalanceDelta, LedgerStore } from "./ledger-store.js";
import type {
  AccountBalance,
  AccountKey,
  LedgerTransaction,
  LedgerVerification,
  PostingInput,
  PostingResult,
} from "./ledger-types.js";
import { type PostingPlan, planPosting } from "./posting-plan.js";

export interface LedgerStores {
  ledger: LedgerStore;
}

/**
 * The double-entry ledger: the truth every other module writes money and credits to.
 * Entries are append-only; balances are projections kept in the same transaction and recomputable
 * at any time with `verify()`.
 */
export class Ledger {
  readonly #access: StoreAccess<LedgerStores>;
  readonly #clock: Clock;

  constructor(access: StoreAccess<LedgerStores>, clock: Clock) {
    this.#access = access;
    this.#clock = clock;
  }

  /**
   * Posts a balanced transaction in its own unit of work. Posting the same id again with the same
   * content returns the original (`replayed: true`); with other content it is TRANSACTION_CONFLICT.
   *
   * @example
   * await ledger.post({ id: "grant_7", entries: [
   *   { account: { kind: "promo_expense", ownerId: "", currency: "CREDITS" }, amountMinor: -100 },
   *   { account: { kind: "customer_credits", ownerId: "user_1", currency: "CREDITS" }, amountMinor: 100 },
   * ] });
   */
  async post(input: PostingInput): Promise<PostingResult> {
    const plan = planPosting(input);
    return this.#access.transaction((stores) => this.#apply(stores, plan));
  }

  /** Posts inside a unit of work the caller owns (e.g. a credit spend that also writes a hold). */
  async postWithin(stores: LedgerStores, input: PostingInput): Promise<PostingResult> {
    return this.#apply(stores, planPosting(input));
  }

  /**
   * Posts several transactions inside a unit of work the caller owns, in a handful of statements
   * whatever their number, with exactly the outcome of posting them one after another in this order:
   * each one is booked whole, or refused (INSUFFICIENT_BALANCE against the balances the ones before
   * it left, or invalid) with nothing of it written. An id already posted, or repeated in the batch,
   * is left alone (`undefined`): the caller posts it on its own afterwards, which replays it.
   *
   * The balances are read under lock first, so the decisions are made on the balances the postings
   * will apply to; the applied result is checked against them before anything is returned.
   */
  async postManyWithin(
    stores: LedgerStores,
    inputs: PostingInput[],
  ): Promise<Array<BatchPosting | undefined>> {
    const outcomes: Array<BatchPosting | undefined> = inputs.map(() => undefined);
    const candidates: Array<{ index: number; plan: PostingPlan }> = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      if (seen.has(input.id)) return;
      seen.add(input.id);
      try {
        candidates.push({ index, plan: planPosting(input) });
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    });
    if (candidates.length === 0) return outcomes;

    const existing = await stores.ledger.findTransactionIds(candidates.map(({ plan }) => plan.id));
    const fresh = candidates.filter(({ plan }) => !existing.has(plan.id));
    if (fresh.length === 0) return outcomes;

    const postedAtMs = this.#clock.now().getTime();
    const keys = fresh.flatMap(({ plan }) => plan.entries.map((entry) => entry.account));
    const accountIds = (await stores.ledger.ensureAccounts(keys, postedAtMs)).map((account) => account.id);
    const accountIdsOf = new Map<PostingPlan, string[]>();
    let offset = 0;
    for (const { plan } of fresh) {
      accountIdsOf.set(plan, accountIds.slice(offset, offset + plan.entries.length));
      offset += plan.entries.length;
    }

    const floored = new Set<string>();
    for (const { plan } of fresh) {
      const ids = accountIdsOf.get(plan)!;
      plan.entries.forEach((entry, index) => {
        if (entry.balanceFloorMinor !== undefined) floored.add(ids[index]!);
      });
    }
    // Every balance the batch will change, locked at once in account id order: the order a single
    // posting's balance upsert locks them in, so batches and single postings never wait in a cycle.
    const lockedBalances = await stores.ledger.lockBalances([...new Set(accountIds)]);

    // Decide in order, as if each were posted alone after the ones before it.
    const running = new Map<string, number>();
    for (const accountId of floored) running.set(accountId, lockedBalances.get(accountId) ?? 0);
    const accepted: Array<{ index: number; plan: PostingPlan; deltas: BalanceDelta[] }> = [];
    for (const { index, plan } of fresh) {
      const ids = accountIdsOf.get(plan)!;
      const deltas = sumDeltas(plan, ids);
      const after = new Map<string, number>();
      for (const delta of deltas) {
        if (running.has(delta.accountId))
          after.set(delta.accountId, running.get(delta.accountId)! + delta.deltaMinor);
      }
      try {
        enforceFloors(plan, ids, after);
      } catch (error) {
        outcomes[index] = { ok: false, error };
        continue;
      }
      for (const [accountId, balance] of after) running.set(accountId, balance);
      accepted.push({ index, plan, deltas });
    }
    if (accepted.length === 0) return outcomes;

    const inserted = await stores.ledger.insertTransactionsIfAbsent(
      accepted
        .map(({ plan }) => ({
          id: plan.id,
          description: plan.description,
          metadata: plan.metadata,
          contentHash: plan.contentHash,
          postedAtMs,
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    if (inserted.size !== accepted.length) {
      // A concurrent transaction committed one of these ids after it was looked up: the decisions
      // above counted it as new, so none of them stand. The caller rolls back and posts one by one.
      throw new Error("a batched ledger transaction id was posted concurrently");
    }
    const sequences = await stores.ledger.insertEntries(
      accepted.flatMap(({ plan }) => {
        const ids = accountIdsOf.get(plan)!;
        return plan.entries.map((entry, index) => ({
          transactionId: plan.id,
          accountId: ids[index]!,
          currency: entry.account.currency,
          amountMinor: entry.amountMinor,
          postedAtMs,
        }));
      }),
    );
    const totals = new Map<string, BalanceDelta>();
    for (const { deltas } of accepted) {
      for (const delta of deltas) {
        const total = totals.get(delta.accountId) ?? { ...delta, deltaMinor: 0, entryCount: 0 };
        total.deltaMinor += delta.deltaMinor;
        total.entryCount += delta.entryCount;
        totals.set(delta.accountId, total);
      }
    }
    const finals = await stores.ledger.applyBalanceDeltas(
      [...totals.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
      postedAtMs,
    );
    // The balances each posting leaves, replayed forward from what was there before all of them.
    const balances = new Map<string, number>();
    for (const [accountId, total] of totals) {
      const final = finals.get(accountId);
      if (final === undefined) throw new Error(`ledger balance of ${accountId} was not returned`);
      balances.set(accountId, final - total.deltaMinor);
    }
    for (const accountId of floored) {
      // The floor decisions were made on these balances; anything else must not commit.
      if (totals.has(accountId) && balances.get(accountId) !== (lockedBalances.get(accountId) ?? 0)) {
        throw new Error(`ledger balance of ${accountId} changed while it was locked`);
      }
    }

    let sequenceIndex = 0;
    for (const { index, plan, deltas } of accepted) {
      const ids = accountIdsOf.get(plan)!;
      for (const delta of deltas)
        balances.set(delta.accountId, balances.get(delta.accountId)! + delta.deltaMinor);
      const transaction: LedgerTransaction = {
        id: plan.id,
        description: plan.description,
        metadata: plan.metadata,
        contentHash: plan.contentHash,
        postedAt: new Date(postedAtMs),
        entries: plan.entries.map((entry, entryIndex) => ({
          sequence: sequences[sequenceIndex++]!,
          accountId: ids[entryIndex]!,
          account: entry.account,
          amountMinor: entry.amountMinor,
        })),
      };
      outcomes[index] = {
        ok: true,
        result: {
          transaction,
          replayed: false,
          balances: deltas.map(({ accountId }) => ({ accountId, balanceMinor: balances.get(accountId)! })),
        },
      };
    }
    return outcomes;
  }

  async #apply(stores: LedgerStores, plan: PostingPlan): Promise<PostingResult> {
    const postedAtMs = this.#clock.now().getTime();
    const inserted = await stores.ledger.insertTransactionIfAbsent({
      id: plan.id,
      description: plan.description,
      metadata: plan.metadata,
      contentHash: plan.contentHash,
      postedAtMs,
    });
    if (!inserted) return { transaction: await this.#replay(stores, plan), replayed: true, balances: [] };

    const accounts = await stores.ledger.ensureAccounts(
      plan.entries.map((entry) => entry.account),
      postedAtMs,
    );
    const sequences = await stores.ledger.insertEntries(
      plan.entries.map((entry, index) => ({
        transactionId: plan.id,
        accountId: accounts[index]!.id,
        currency: entry.account.currency,
        amountMinor: entry.amountMinor,
        postedAtMs,
      })),
    );
    const deltas = sumDeltas(
      plan,
      accounts.map((account) => account.id),
    );
    const balances = await stores.ledger.applyBalanceDeltas(deltas, postedAtMs);
    enforceFloors(
      plan,
      accounts.map((account) => account.id),
      balances,
    );

    // Built from what was just written rather than read back: one round trip less per posting.
    const transaction: LedgerTransaction = {
      id: plan.id,
      description: plan.description,
      metadata: plan.metadata,
      contentHash: plan.contentHash,
      postedAt: new Date(postedAtMs),
      entries: plan.entries.map((entry, index) => ({
        sequence: sequences[index]!,
        accountId: accounts[index]!.id,
        account: entry.account,
        amountMinor: entry.amountMinor,
      })),
    };
    return {
      transaction,
      replayed: false,
      balances: deltas.map(({ accountId }) => ({ accountId, balanceMinor: balances.get(accountId)! })),
    };
  }

  async #replay(stores: LedgerStores, plan: PostingPlan): Promise<LedgerTransaction> {
    const original = await stores.ledger.findTransaction(plan.id);
    if (!original) throw new Error(`ledger transaction ${plan.id} exists but cannot be read`);
    if (original.contentHash !== plan.contentHash) {
      throw new BillhookError(
        "TRANSACTION_CONFLICT",
        `Transaction ${plan.id} was already posted with different content.`,
        { transactionId: plan.id },
      );
    }
    return original;
  }

  async getTransaction(id: string): Promise<LedgerTransaction> {
    const transaction = await this.#access.read((stores) => stores.ledger.findTransaction(id));
    if (!transaction) throw new NotFoundError("Ledger transaction", id);
    return transaction;
  }

  async getAccountBalance(accountId: string): Promise<AccountBalance> {
    const balance = await this.#access.read((stores) => stores.ledger.findAccountBalance(accountId));
    if (!balance) throw new NotFoundError("Ledger account", accountId);
    return balance;
  }

  /** Balance of the account with this key; zero when nothing was ever posted to it. */
  async balanceOf(key: AccountKey): Promise<number> {
    return this.#access.read(async (stores) => {
      const account = await stores.ledger.findAccountByKey(key);
      if (!account) return 0;
      return (await stores.ledger.findAccountBalance(account.id))?.balanceMinor ?? 0;
    });
  }

  async listAccounts(filter: {
    ownerId?: string;
    kind?: string;
    currency?: string;
    limit: number;
    afterId?: string;
  }): Promise<AccountBalance[]> {
    return this.#access.read((stores) => stores.ledger.listAccountBalances(filter));
  }

  /** Recomputes every balance from its entries and checks every transaction sums to zero. */
  async verify(): Promise<LedgerVerification> {
    return this.#access.read(async (stores) => {
      const balances = await stores.ledger.findBalanceDifferences();
      const transactions = await stores.ledger.findUnbalancedTransactions();
      return {
        ok: balances.differences.length === 0 && transactions.unbalanced.length === 0,
        accountsChecked: balances.accountsChecked,
        transactionsChecked: transactions.transactionsChecked,
        differences: balances.differences,
        unbalancedTransactions: transactions.unbalanced,
      };
    });
  }
}

/** What `postManyWithin` says of one posting: booked, or refused with nothing written. */
export type BatchPosting = { ok: true; result: PostingResult } | { ok: false; error: unknown };

/** One delta per account, ordered by account id so concurrent postings lock rows in the same order. */
function sumDeltas(plan: PostingPlan, accountIds: string[]): BalanceDelta[] {
  const byAccount = new Map<string, BalanceDelta>();
  plan.entries.forEach((entry, index) => {
    const accountId = accountIds[index]!;
    const delta = byAccount.get(accountId) ?? {
      accountId,
      currency: entry.account.currency,
      deltaMinor: 0,
      entryCount: 0,
    };
    delta.deltaMinor += entry.amountMinor;
    delta.entryCount += 1;
    byAccount.set(accountId, delta);
  });
  return [...byAccount.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
}

function enforceFloors(plan: PostingPlan, accountIds: string[], balances: Map<string, number>): void {
  plan.entries.forEach((entry, index) => {
    if (entry.balanceFloorMinor === undefined) return;
    const balanceMinor = balances.get(accountIds[index]!)!;
    if (balanceMinor < entry.balanceFloorMinor) {
      throw new BillhookError("INSUFFICIENT_BALANCE", "The account balance is too low for this posting.", {
        account: entry.account,
        balanceAfterMinor: balanceMinor,
        balanceFloorMinor: entry.balanceFloorMinor,
      });
    }
  });
}
