import {
  assert,
  BillhookError,
  type Clock,
  NotFoundError,
  newId,
  type StoreAccess,
} from "../../kernel/index.js";
import type { Catalog } from "../catalog/index.js";
import type { SettingsReader } from "../settings/index.js";
import { moveCredits } from "./credit-accounts.js";
import { type CreditBook, type CreditStores, creditTransactionId } from "./credit-book.js";
import { checkAmount, creditLimits, refuseIssues } from "./credit-limits.js";
import { availableOf, checkSpend, type HoldInput, insufficientCredits } from "./credit-rules.js";
import type { CreditSettings, HoldRecord, HoldView } from "./credit-types.js";

/**
 * Holds reserve credits for a job: moved aside (not spendable) until committed — the unused part
 * returned — released, failed (refunded once with `refundOnFailure`) or expired. Every transition is
 * one transaction, and repeating it is a no-op.
 */
export class CreditHolds {
  readonly #access: StoreAccess<CreditStores>;
  readonly #clock: Clock;
  readonly #book: CreditBook;
  readonly #catalog: Catalog;
  readonly #settings: CreditSettings;
  readonly #buyUrl: (type: string) => string | null;
  readonly #runtime: SettingsReader | null;

  constructor(options: {
    access: StoreAccess<CreditStores>;
    clock: Clock;
    book: CreditBook;
    catalog: Catalog;
    settings: CreditSettings;
    runtime: SettingsReader | null;
    buyUrl: (type: string) => string | null;
  }) {
    this.#runtime = options.runtime;
    this.#access = options.access;
    this.#clock = options.clock;
    this.#book = options.book;
    this.#catalog = options.catalog;
    this.#settings = options.settings;
    this.#buyUrl = options.buyUrl;
  }

  /** Reserves credits for a job; they are not spendable until the hold is committed or released. */
  async hold(input: HoldInput): Promise<HoldView> {
    checkSpend(this.#catalog, input);
    const ttlSeconds =
      input.expiresInSeconds ??
      (await this.#runtime?.current())?.creditHoldTtlSeconds ??
      creditLimits.holdTtlSecondsDefault;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > creditLimits.holdTtlSecondsMax) {
      refuseIssues([{ path: "expiresInSeconds", message: `must be 1 to ${creditLimits.holdTtlSecondsMax}` }]);
    }
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(async (stores) => {
      await this.#book.settleDue(stores, input.customerId, input.type, nowMs);
      const result = await this.#book.post(
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
        (balance) => insufficientCredits(input, balance, this.#buyUrl(input.type)),
      );
      if (result.replayed) {
        const held = await stores.credits.findHoldByKey(input.customerId, input.type, input.idempotencyKey);
        // A hold's posting and its row are written in one unit of work: one never exists without the other.
        assert(held, `hold ${input.idempotencyKey}, whose posting exists, is stored`);
        return this.#view(stores, held, true);
      }
      const allocations = await this.#book.burn(stores, input.customerId, input.type, input.amount);
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
    const refundOnFailure =
      (await this.#runtime?.current())?.refundOnFailure ?? this.#settings.refundOnFailure;
    return this.#access.transaction(async (stores) => {
      const hold = await this.#findHold(stores, holdId);
      await this.#book.settleDue(stores, hold.customerId, hold.creditType, nowMs);
      const current = (await stores.credits.findHold(holdId))!;
      if (current.status === "held") {
        await this.#book.settleHold(stores, current, "failed", 0, nowMs);
      } else if (current.status === "committed" && refundOnFailure) {
        await this.#book.refundHold(stores, current, nowMs);
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
      await this.#book.settleDue(stores, found.customerId, found.creditType, nowMs);
      const hold = (await stores.credits.findHold(holdId))!;
      const decision = decide(hold);
      if (hold.status !== "held") {
        if (decision.replays(hold)) return this.#view(stores, hold, true);
        throw new BillhookError("HOLD_NOT_ACTIVE", `Hold ${hold.id} is ${hold.status}.`, {
          status: hold.status,
        });
      }
      const settled = await this.#book.settleHold(stores, hold, decision.to, decision.amount, nowMs);
      if (!settled) throw new BillhookError("HOLD_NOT_ACTIVE", `Hold ${hold.id} was settled meanwhile.`);
      return this.#view(stores, (await stores.credits.findHold(holdId))!, false);
    });
  }

  async get(holdId: string): Promise<HoldView> {
    return this.#access.read(async (stores) =>
      this.#view(stores, await this.#findHold(stores, holdId), false),
    );
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
      balance: await availableOf(stores, hold.customerId, hold.creditType),
      replayed,
    };
  }
}
