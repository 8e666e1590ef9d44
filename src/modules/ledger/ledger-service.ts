import { assert, BillhookError, type Clock, NotFoundError, type StoreAccess } from "../../kernel/index.js";
import { type BatchPosting, postBatch } from "./batch-posting.js";
import type { LedgerStore } from "./ledger-store.js";
import type {
  AccountBalance,
  AccountKey,
  LedgerTransaction,
  LedgerVerification,
  PostingInput,
  PostingResult,
} from "./ledger-types.js";
import {
  assertBalancesReturned,
  assertDeltasBalanced,
  enforceFloors,
  type PostingPlan,
  planPosting,
  sumDeltas,
} from "./posting-plan.js";

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
  postManyWithin(stores: LedgerStores, inputs: PostingInput[]): Promise<Array<BatchPosting | undefined>> {
    return postBatch(stores, this.#clock.now().getTime(), inputs);
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
    assertDeltasBalanced(deltas);
    const balances = await stores.ledger.applyBalanceDeltas(deltas, postedAtMs);
    assertBalancesReturned(deltas, balances);
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
    // Its id was just found taken inside this unit of work, and transactions are append-only.
    assert(original, `ledger transaction ${plan.id}, found posted, can be read`);
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
