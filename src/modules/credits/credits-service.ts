import { BillhookError, type Clock, NotFoundError, newId, type StoreAccess } from "../../kernel/index.js";
import { type Catalog, type CatalogEntry, defaultCreditPriority } from "../catalog/index.js";
import type { Ledger, MetadataValue } from "../ledger/index.js";
import { type AllowanceSubscription, applyAllowances } from "./allowance-credits.js";
import { creditAccount, moveCredits } from "./credit-accounts.js";
import { CreditBook, type CreditStores, creditTransactionId } from "./credit-book.js";
import {
  checkAmount,
  checkKey,
  checkMetadata,
  creditLimits,
  refuseIssues,
  unknownCreditType,
} from "./credit-limits.js";
import { readBalance, readHistory } from "./credit-reads.js";
import type { CreditBalance, CreditSettings, HoldRecord, HoldView } from "./credit-types.js";
import { applyOrderCredits, type OrderCreditsInput } from "./order-credits.js";

export interface SpendInput {
  customerId: string;
  type: string;
  amount: number;
  idempotencyKey: string;
  metadata?: Record<string, MetadataValue>;
}

export interface HoldInput extends SpendInput {
  /** How long the hold lasts before it is released on its own. */
  expiresInSeconds?: number;
}

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

  constructor(options: CreditsOptions) {
    this.book = new CreditBook(options.ledger);
    this.#access = options.access;
    this.#clock = options.clock;
    this.#catalog = options.catalog;
    this.#settings = options.settings;
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
      return { grantId, balance: await this.#available(stores, input.customerId, input.type), replayed };
    });
  }

  /**
   * Spends credits at once, or refuses with 402 INSUFFICIENT_CREDITS and changes nothing.
   *
   * @example
   * const { balance } = await billhook.credits.spend({ customerId: "user_1", type: "images", amount: 1, idempotencyKey: "job_9" });
   */
  async spend(input: SpendInput): Promise<{ balance: number; replayed: boolean }> {
    this.#checkSpend(input);
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      await this.book.settleDue(stores, input.customerId, input.type, nowMs);
      const result = await this.book.post(
        stores,
        {
          id: creditTransactionId("spend", input.customerId, input.type, input.idempotencyKey),
          description: `Spent ${input.amount} ${input.type}`,
          metadata: { ...(input.metadata ?? {}), action: "spend", idempotencyKey: input.idempotencyKey },
          entries: moveCredits(input.customerId, input.type, "available", "spent", input.amount),
        },
        (balance) => this.#insufficient(input, balance),
      );
      if (result.replayed) {
        return { balance: await this.#available(stores, input.customerId, input.type), replayed: true };
      }
      await this.book.burn(stores, input.customerId, input.type, input.amount);
      return {
        balance: availableAfter(result, creditAccount("available", input.customerId, input.type)),
        replayed: false,
      };
    });
  }

  /** Reserves credits for a job; they are not spendable until the hold is committed or released. */
  async hold(input: HoldInput): Promise<HoldView> {
    this.#checkSpend(input);
    const ttlSeconds = input.expiresInSeconds ?? creditLimits.holdTtlSecondsDefault;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > creditLimits.holdTtlSecondsMax) {
      refuseIssues([{ path: "expiresInSeconds", message: `must be 1 to ${creditLimits.holdTtlSecondsMax}` }]);
    }
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      await this.book.settleDue(stores, input.customerId, input.type, nowMs);
      const result = await this.book.post(
        stores,
        {
          id: creditTransactionId("hold", input.customerId, input.type, input.idempotencyKey),
          description: `Held ${input.amount} ${input.type}`,
          metadata: {
            ...(input.metadata ?? {}),
            action: "hold",
            idempotencyKey: input.idempotencyKey,
            ttlSeconds,
          },
          entries: moveCredits(input.customerId, input.type, "available", "held", input.amount),
        },
        (balance) => this.#insufficient(input, balance),
      );
      if (result.replayed) {
        const held = await stores.credits.findHoldByKey(input.customerId, input.type, input.idempotencyKey);
        if (!held) throw new Error(`hold ${input.idempotencyKey} was posted but is not stored`);
        return this.#view(stores, held, true);
      }
      const allocations = await this.book.burn(stores, input.customerId, input.type, input.amount);
      const hold: HoldRecord = {
        id: newId("hold"),
        customerId: input.customerId,
        creditType: input.type,
        idempotencyKey: input.idempotencyKey,
        amountHeld: input.amount,
        amountCommitted: null,
        status: "held",
        allocations,
        metadata: input.metadata ?? {},
        expiresAtMs: nowMs + ttlSeconds * 1000,
        createdAtMs: nowMs,
        settledAtMs: null,
      };
      await stores.credits.insertHold(hold);
      return this.#view(stores, hold, false);
    });
  }

  /** Spends `amount` (at most what is held) of a hold and returns the rest. Repeating it is a no-op. */
  async commit(holdId: string, amount: number): Promise<HoldView> {
    refuseIssues(checkAmount(amount, "amount", 0));
    return this.#settle(holdId, (hold) => {
      if (amount > hold.amountHeld) {
        throw new BillhookError("COMMIT_EXCEEDS_HOLD", `Hold ${hold.id} holds only ${hold.amountHeld}.`, {
          amountHeld: hold.amountHeld,
          amount,
        });
      }
      return {
        to: "committed",
        amount,
        replays: (held) => held.status === "committed" && held.amountCommitted === amount,
      };
    });
  }

  /** Returns every held credit. Repeating it is a no-op. */
  async release(holdId: string): Promise<HoldView> {
    return this.#settle(holdId, () => ({
      to: "released",
      amount: 0,
      replays: (held) => held.status === "released",
    }));
  }

  /**
   * Reports the job failed: an open hold is released; a committed one is refunded once when the
   * `refundOnFailure` setting is on (otherwise it stays committed).
   */
  async fail(holdId: string): Promise<HoldView> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      const hold = await this.#findHold(stores, holdId);
      await this.book.settleDue(stores, hold.customerId, hold.creditType, nowMs);
      const current = (await stores.credits.findHold(holdId))!;
      if (current.status === "held") {
        await this.book.settleHold(stores, current, "failed", 0, nowMs);
      } else if (current.status === "committed" && this.#settings.refundOnFailure) {
        await this.book.refundHold(stores, current, nowMs);
      }
      const after = (await stores.credits.findHold(holdId))!;
      return this.#view(stores, after, after.status === current.status);
    });
  }

  async #settle(
    holdId: string,
    decide: (hold: HoldRecord) => {
      to: "committed" | "released";
      amount: number;
      replays: (hold: HoldRecord) => boolean;
    },
  ): Promise<HoldView> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      const found = await this.#findHold(stores, holdId);
      await this.book.settleDue(stores, found.customerId, found.creditType, nowMs);
      const hold = (await stores.credits.findHold(holdId))!;
      const decision = decide(hold);
      if (hold.status !== "held") {
        if (decision.replays(hold)) return this.#view(stores, hold, true);
        throw new BillhookError("HOLD_NOT_ACTIVE", `Hold ${hold.id} is ${hold.status}.`, {
          status: hold.status,
        });
      }
      const settled = await this.book.settleHold(stores, hold, decision.to, decision.amount, nowMs);
      if (!settled) throw new BillhookError("HOLD_NOT_ACTIVE", `Hold ${hold.id} was settled meanwhile.`);
      return this.#view(stores, (await stores.credits.findHold(holdId))!, false);
    });
  }

  async getHold(holdId: string): Promise<HoldView> {
    return this.#access.read(async (stores) =>
      this.#view(stores, await this.#findHold(stores, holdId), false),
    );
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

  async #findHold(stores: CreditStores, holdId: string): Promise<HoldRecord> {
    const hold = await stores.credits.findHold(holdId);
    if (!hold) throw new NotFoundError("Credit hold", holdId);
    return hold;
  }

  async #view(stores: CreditStores, hold: HoldRecord, replayed: boolean): Promise<HoldView> {
    return {
      id: hold.id,
      customerId: hold.customerId,
      type: hold.creditType,
      status: hold.status,
      amountHeld: hold.amountHeld,
      amountCommitted: hold.amountCommitted,
      expiresAt: new Date(hold.expiresAtMs).toISOString(),
      balance: await this.#available(stores, hold.customerId, hold.creditType),
      replayed,
    };
  }

  async #available(stores: CreditStores, customerId: string, type: string): Promise<number> {
    const [available] = await stores.credits.balancesOf([creditAccount("available", customerId, type)]);
    return available!;
  }

  #checkSpend(input: SpendInput): void {
    this.#requireType(input.type);
    refuseIssues([
      ...checkAmount(input.amount),
      ...checkKey(input.idempotencyKey, "idempotencyKey", creditLimits.idempotencyKeyLengthMax),
      ...checkKey(input.customerId, "customerId", creditLimits.customerIdLengthMax),
      ...checkMetadata(input.metadata),
    ]);
  }

  #requireType(type: string): void {
    if (!this.#catalog.findCreditType(type)) throw unknownCreditType(type);
  }

  #insufficient(input: SpendInput, balance: number): BillhookError {
    return new BillhookError(
      "INSUFFICIENT_CREDITS",
      `Not enough ${input.type}: ${balance} available, ${input.amount} required.`,
      {
        customerId: input.customerId,
        type: input.type,
        balance,
        required: input.amount,
        buyUrl: this.buyUrl(input.type),
      },
    );
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
