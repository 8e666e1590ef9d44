import { type Clock, GroupCommit, type Outcome, type StoreAccess } from "../../kernel/index.js";
import { type Catalog, type CatalogEntry, defaultCreditPriority } from "../catalog/index.js";
import type { Ledger, PostingInput } from "../ledger/index.js";
import type { SettingsReader, SettingsStore } from "../settings/index.js";
import { type AllowanceSubscription, applyAllowances } from "./allowance-credits.js";
import { creditAccount, moveCredits } from "./credit-accounts.js";
import { CreditBook, type CreditStores, creditTransactionId } from "./credit-book.js";
import { CreditHolds } from "./credit-holds.js";
import { checkAmount, checkKey, creditLimits, refuseIssues, unknownCreditType } from "./credit-limits.js";
import { readBalance, readHistory } from "./credit-reads.js";
import {
  availableOf,
  checkSpend,
  type HoldInput,
  insufficientCredits,
  type SpendInput,
} from "./credit-rules.js";
import type { CreditBalance, CreditSettings, HoldView } from "./credit-types.js";
import { applyOrderCredits, type OrderCreditsInput } from "./order-credits.js";

export interface GrantRequest {
  customerId: string;
  type: string;
  amount: number;
  idempotencyKey: string;
  expiresAt?: Date;
  priority?: number;
  reason?: string;
}

export interface CreditsOptions {
  access: StoreAccess<CreditStores>;
  ledger: Ledger;
  clock: Clock;
  catalog: Catalog;
  settings: CreditSettings;
  /** Runtime settings (refund on failure); without it the configured value applies. */
  runtime?: SettingsReader;
}

/**
 * Prepaid credits: grants, atomic spends, and holds that are committed or released. Every operation
 * is one transaction whose ledger posting is keyed by the caller's idempotency key, and every debit
 * of a spendable balance is floor-checked on the locked balance row, so no concurrency can overdraw.
 */
export class Credits {
  readonly book: CreditBook;
  readonly #access: StoreAccess<CreditStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #settings: CreditSettings;
  readonly #runtime: SettingsReader | null;

  readonly holds: CreditHolds;
  /** Concurrent spends share transactions (group commit); each keeps its own savepoint and key. */
  readonly #spends: GroupCommit<CreditStores, SpendInput, { balance: number; replayed: boolean }>;

  constructor(options: CreditsOptions) {
    this.book = new CreditBook(options.ledger, {
      lowBalanceThreshold: async (stores) => {
        if (!this.#runtime) return this.#settings.lowBalanceThreshold;
        // Storage hands every store to a unit of work; joining it keeps a (rare) cache refresh inside.
        const within = "settings" in stores ? (stores as unknown as { settings: SettingsStore }) : undefined;
        return (await this.#runtime.current(within)).creditsLowBalance;
      },
    });
    this.holds = new CreditHolds({
      access: options.access,
      clock: options.clock,
      book: this.book,
      catalog: options.catalog,
      settings: options.settings,
      runtime: options.runtime ?? null,
      buyUrl: (type) => this.buyUrl(type),
    });
    this.#access = options.access;
    this.#clock = options.clock;
    this.#catalog = options.catalog;
    this.#settings = options.settings;
    this.#runtime = options.runtime ?? null;
    this.#spends = new GroupCommit(options.access, (stores, input) => this.#spendWithin(stores, input), {
      batchMax: 50,
      order: (a, b) => compareText(a.customerId, b.customerId) || compareText(a.type, b.type),
      applyMany: (stores, inputs) => this.#spendMany(stores, inputs),
    });
  }

  get settings(): CreditSettings {
    return this.#settings;
  }

  /**
   * An admin or promotional grant.
   *
   * @example
   * await billhook.credits.grant({ customerId: "user_1", type: "images", amount: 50, idempotencyKey: "promo_jan" });
   */
  async grant(input: GrantRequest): Promise<{ grantId: string; balance: number; replayed: boolean }> {
    this.#requireType(input.type);
    const nowMs = this.#clock.now().getTime();
    const expiresAtMs = input.expiresAt?.getTime() ?? null;
    refuseIssues([
      ...checkAmount(input.amount),
      ...checkKey(input.idempotencyKey, "idempotencyKey", creditLimits.idempotencyKeyLengthMax),
      ...checkKey(input.customerId, "customerId", creditLimits.customerIdLengthMax),
      ...(expiresAtMs !== null && !(expiresAtMs > nowMs)
        ? [{ path: "expiresAt", message: "must be in the future" }]
        : []),
      ...(input.priority !== undefined &&
      !(Number.isInteger(input.priority) && input.priority >= 0 && input.priority <= creditLimits.priorityMax)
        ? [{ path: "priority", message: `must be an integer from 0 to ${creditLimits.priorityMax}` }]
        : []),
    ]);
    const grantId = creditTransactionId("grant", input.customerId, input.type, input.idempotencyKey);
    return this.#access.transaction(async (stores) => {
      await this.book.settleDue(stores, input.customerId, input.type, nowMs);
      const { replayed } = await this.book.grant(
        stores,
        {
          customerId: input.customerId,
          creditType: input.type,
          amount: input.amount,
          grantId,
          sourceKind: "promo",
          sourceId: input.idempotencyKey,
          expiresAtMs,
          priority: input.priority ?? defaultCreditPriority,
          ...(input.reason ? { metadata: { reason: input.reason } } : {}),
        },
        nowMs,
      );
      return { grantId, balance: await availableOf(stores, input.customerId, input.type), replayed };
    });
  }

  /**
   * Spends credits at once, or refuses with 402 INSUFFICIENT_CREDITS and changes nothing.
   *
   * @example
   * const { balance } = await billhook.credits.spend({ customerId: "user_1", type: "images", amount: 1, idempotencyKey: "job_9" });
   */
  async spend(input: SpendInput): Promise<{ balance: number; replayed: boolean }> {
    checkSpend(this.#catalog, input);
    return this.#spends.submit(input);
  }

  async #spendWithin(
    stores: CreditStores,
    input: SpendInput,
  ): Promise<{ balance: number; replayed: boolean }> {
    const nowMs = this.#clock.now().getTime();
    await this.book.settleDue(stores, input.customerId, input.type, nowMs);
    const result = await this.book.post(stores, spendPosting(input), (balance) =>
      insufficientCredits(input, balance, this.buyUrl(input.type)),
    );
    if (result.replayed) {
      return { balance: await availableOf(stores, input.customerId, input.type), replayed: true };
    }
    await this.book.burn(stores, input.customerId, input.type, input.amount);
    return {
      balance: availableAfter(result, creditAccount("available", input.customerId, input.type)),
      replayed: false,
    };
  }

  /**
   * A batch of concurrent spends in a few statements instead of a savepoint each: the same postings,
   * decided in batch order on the locked balances (see `Ledger.postManyWithin`), then one burn of the
   * grants per balance for what was spent from it (burning in burn order takes the same credits in one
   * go as one spend after another). Replays and repeated keys are left to `#spendWithin`.
   */
  async #spendMany(
    stores: CreditStores,
    inputs: SpendInput[],
  ): Promise<Array<Outcome<{ balance: number; replayed: boolean }> | undefined>> {
    const nowMs = this.#clock.now().getTime();
    const balances = new Map<string, { customerId: string; type: string; spent: number }>();
    for (const input of inputs)
      balances.set(balanceKey(input), { customerId: input.customerId, type: input.type, spent: 0 });
    for (const { customerId, type } of balances.values()) {
      await this.book.settleDue(stores, customerId, type, nowMs);
    }
    const postings = await this.book.postMany(stores, inputs.map(spendPosting), (index, balance) =>
      insufficientCredits(inputs[index]!, balance, this.buyUrl(inputs[index]!.type)),
    );
    const outcomes = postings.map(
      (posting, index): Outcome<{ balance: number; replayed: boolean }> | undefined => {
        if (!posting) return undefined;
        if (!posting.ok) return posting;
        const input = inputs[index]!;
        balances.get(balanceKey(input))!.spent += input.amount;
        return {
          ok: true,
          value: {
            balance: availableAfter(posting.result, creditAccount("available", input.customerId, input.type)),
            replayed: false,
          },
        };
      },
    );
    for (const { customerId, type, spent } of balances.values()) {
      if (spent > 0) await this.book.burn(stores, customerId, type, spent);
    }
    return outcomes;
  }

  /** Reserves credits for a job; they are not spendable until the hold is committed or released. */
  hold(input: HoldInput): Promise<HoldView> {
    return this.holds.hold(input);
  }

  /** Spends `amount` (at most what is held) of a hold and returns the rest. Repeating it is a no-op. */
  commit(holdId: string, amount: number): Promise<HoldView> {
    return this.holds.commit(holdId, amount);
  }

  /** Returns every held credit. Repeating it is a no-op. */
  release(holdId: string): Promise<HoldView> {
    return this.holds.release(holdId);
  }

  /** Reports the job failed: released, or refunded once when `refundOnFailure` is on. */
  fail(holdId: string): Promise<HoldView> {
    return this.holds.fail(holdId);
  }

  getHold(holdId: string): Promise<HoldView> {
    return this.holds.get(holdId);
  }

  /** Expires lapsed grants and releases expired holds everywhere; what the worker runs. */
  async sweep(): Promise<{ balancesSettled: number }> {
    const nowMs = this.#clock.now().getTime();
    const due = await this.#access.read((stores) =>
      stores.credits.listDueBalances(nowMs, creditLimits.sweepBatchMax),
    );
    for (const { customerId, creditType } of due) {
      await this.#access.transaction((stores) => this.book.settleDue(stores, customerId, creditType, nowMs));
    }
    return { balancesSettled: due.length };
  }

  /**
   * Available, held and soon-expiring credits of one type; settles anything due first.
   *
   * @example
   * const { available, held } = await billhook.credits.balance("user_1", "images");
   */
  async balance(customerId: string, type: string): Promise<CreditBalance> {
    const creditType = this.#catalog.findCreditType(type);
    if (!creditType) throw unknownCreditType(type);
    const nowMs = this.#clock.now().getTime();
    await this.#settleIfDue(customerId, type, nowMs);
    return this.#access.read((stores) =>
      readBalance(stores, customerId, creditType, nowMs, this.#settings.expiringSoonMs),
    );
  }

  /** One balance per declared credit type. */
  async balances(customerId: string): Promise<CreditBalance[]> {
    const balances: CreditBalance[] = [];
    for (const creditType of this.#catalog.creditTypes)
      balances.push(await this.balance(customerId, creditType.key));
    return balances;
  }

  /** What `check` compares a credit-backed feature's units to. */
  async available(customerId: string, type: string): Promise<number> {
    return (await this.balance(customerId, type)).available;
  }

  async history(input: { customerId: string; type: string; limit?: number; before?: number }) {
    this.#requireType(input.type);
    return this.#access.read((stores) => readHistory(stores, input));
  }

  /** Grants or claws back a credit pack's credits, inside the unit of work that applies the order. */
  async applyOrderWithin(
    stores: CreditStores,
    catalogKey: string | null,
    order: OrderCreditsInput,
  ): Promise<void> {
    const entry = catalogKey ? this.#catalog.find(catalogKey) : undefined;
    if (!entry?.creditPack) return;
    await applyOrderCredits(this.book, stores, entry, order, this.#settings, this.#clock.now().getTime());
  }

  /** Grants this month's plan allowances, inside the unit of work that applies the subscription. */
  async applySubscriptionWithin(
    stores: CreditStores,
    entry: CatalogEntry | undefined,
    subscription: AllowanceSubscription,
  ): Promise<number> {
    if (!entry?.creditAllowances?.length) return 0;
    return applyAllowances(this.book, stores, entry, subscription, this.#clock.now().getTime());
  }

  async #settleIfDue(customerId: string, type: string, nowMs: number): Promise<void> {
    const due = await this.#access.read((stores) => stores.credits.hasDueWork(customerId, type, nowMs));
    if (due) await this.#access.transaction((stores) => this.book.settleDue(stores, customerId, type, nowMs));
  }

  #requireType(type: string): void {
    if (!this.#catalog.findCreditType(type)) throw unknownCreditType(type);
  }

  buyUrl(type: string): string | null {
    if (!this.#settings.buyUrl) return null;
    const encoded = encodeURIComponent(type);
    return this.#settings.buyUrl
      .replaceAll("{type}", encoded)
      .replaceAll("{feature}", encoded)
      .replaceAll("{product}", "");
  }
}

function availableAfter(
  result: {
    balances: Array<{ accountId: string; balanceMinor: number }>;
    transaction: { entries: Array<{ accountId: string; account: { kind: string } }> };
  },
  key: { kind: string },
): number {
  const entry = result.transaction.entries.find((candidate) => candidate.account.kind === key.kind);
  return result.balances.find((balance) => balance.accountId === entry?.accountId)?.balanceMinor ?? 0;
}

function spendPosting(input: SpendInput): Required<PostingInput> {
  return {
    id: creditTransactionId("spend", input.customerId, input.type, input.idempotencyKey),
    description: `Spent ${input.amount} ${input.type}`,
    metadata: { ...(input.metadata ?? {}), action: "spend", idempotencyKey: input.idempotencyKey },
    entries: moveCredits(input.customerId, input.type, "available", "spent", input.amount),
  };
}

function balanceKey(input: SpendInput): string {
  return JSON.stringify([input.customerId, input.type]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
