import { BillhookError, sha256Hex } from "../../kernel/index.js";
import { type DomainEventStores, recordDomainEvent } from "../domain-events/index.js";
import type {
  BatchPosting,
  EntryInput,
  Ledger,
  LedgerStores,
  MetadataValue,
  PostingInput,
  PostingResult,
} from "../ledger/index.js";
import { type CreditAccountRole, creditAccount, moveCredits } from "./credit-accounts.js";
import { availableAfterGrant, recordBalanceCrossings } from "./credit-events.js";
import type { CreditStore } from "./credit-store.js";
import type {
  GrantAllocation,
  GrantRecord,
  GrantSourceKind,
  HoldRecord,
  HoldStatus,
} from "./credit-types.js";
import { allocate, burnChanges, restoreChanges, splitAllocations } from "./grant-allocation.js";

export interface CreditStores extends LedgerStores, DomainEventStores {
  credits: CreditStore;
}

export interface GrantInput {
  customerId: string;
  creditType: string;
  amount: number;
  /** Becomes the grant's id and its ledger transaction id: granting twice grants once. */
  grantId: string;
  sourceKind: GrantSourceKind;
  sourceId: string;
  expiresAtMs: number | null;
  priority: number;
  metadata?: Record<string, MetadataValue>;
}

const transactionIdLengthMax = 200;

/** A ledger transaction id from readable parts, hashed only when it would be too long. */
export function creditTransactionId(...parts: string[]): string {
  const joined = ["credits", ...parts].join(":");
  return joined.length <= transactionIdLengthMax ? joined : `credits:${sha256Hex(joined).slice(0, 48)}`;
}

/**
 * The credit operations that run inside a caller's unit of work. Each one posts to the ledger first
 * (which locks the customer's balance rows) and only then reads and changes grants, so grants change
 * only under that lock and always sum to the available balance.
 */
export class CreditBook {
  readonly #ledger: Ledger;
  readonly #lowBalanceThreshold: (stores: CreditStores) => Promise<number>;

  /**
   * `lowBalanceThreshold` is asked only when a posting debits an available balance (a cached runtime
   * setting, so a change takes effect within seconds and a spend costs no query for it).
   */
  constructor(
    ledger: Ledger,
    options: { lowBalanceThreshold?: (stores: CreditStores) => Promise<number> } = {},
  ) {
    this.#ledger = ledger;
    this.#lowBalanceThreshold = options.lowBalanceThreshold ?? (async () => 0);
  }

  /** Posts; a debit below zero becomes INSUFFICIENT_CREDITS, a reused key IDEMPOTENCY_KEY_REUSED. */
  async post(
    stores: CreditStores,
    input: {
      id: string;
      description: string;
      metadata: Record<string, MetadataValue>;
      entries: EntryInput[];
    },
    onInsufficient: (balance: number) => BillhookError = (balance) =>
      new BillhookError("INSUFFICIENT_CREDITS", "Not enough credits.", { balance }),
  ): Promise<PostingResult> {
    try {
      const result = await this.#ledger.postWithin(stores, input);
      await recordBalanceCrossings(stores, result, () => this.#lowBalanceThreshold(stores));
      return result;
    } catch (error) {
      if (error instanceof BillhookError && error.code === "INSUFFICIENT_BALANCE") {
        const debit = input.entries.find((entry) => entry.balanceFloorMinor !== undefined);
        throw onInsufficient(Number(error.details.balanceAfterMinor) - (debit?.amountMinor ?? 0));
      }
      if (error instanceof BillhookError && error.code === "TRANSACTION_CONFLICT") {
        throw new BillhookError(
          "IDEMPOTENCY_KEY_REUSED",
          "This idempotency key was already used with a different request.",
          { transactionId: input.id },
        );
      }
      throw error;
    }
  }

  /**
   * `post` for several postings at once (see `Ledger.postManyWithin`): each booked or refused as if
   * posted alone in this order; `undefined` for one to post alone afterwards (a replay).
   */
  async postMany(
    stores: CreditStores,
    inputs: PostingInput[],
    onInsufficient: (index: number, balance: number) => BillhookError,
  ): Promise<Array<BatchPosting | undefined>> {
    const outcomes = await this.#ledger.postManyWithin(stores, inputs);
    for (const [index, outcome] of outcomes.entries()) {
      if (!outcome) continue;
      if (outcome.ok) {
        await recordBalanceCrossings(stores, outcome.result, () => this.#lowBalanceThreshold(stores));
        continue;
      }
      const error = outcome.error;
      if (error instanceof BillhookError && error.code === "INSUFFICIENT_BALANCE") {
        const debit = inputs[index]!.entries.find((entry) => entry.balanceFloorMinor !== undefined);
        outcome.error = onInsufficient(
          index,
          Number(error.details.balanceAfterMinor) - (debit?.amountMinor ?? 0),
        );
      }
    }
    return outcomes;
  }

  async grant(stores: CreditStores, input: GrantInput, nowMs: number): Promise<{ replayed: boolean }> {
    const result = await this.post(stores, {
      id: input.grantId,
      description: `Grant of ${input.amount} ${input.creditType} (${input.sourceKind})`,
      metadata: {
        ...(input.metadata ?? {}),
        action: "grant",
        source: input.sourceKind,
        sourceId: input.sourceId,
        expiresAtMs: input.expiresAtMs,
        priority: input.priority,
      },
      entries: moveCredits(input.customerId, input.creditType, "granted", "available", input.amount),
    });
    if (result.replayed) return { replayed: true };
    await recordDomainEvent(stores, {
      type: "credits.granted",
      data: {
        customerId: input.customerId,
        type: input.creditType,
        amount: input.amount,
        grantId: input.grantId,
        source: input.sourceKind,
        expiresAt: input.expiresAtMs === null ? null : new Date(input.expiresAtMs).toISOString(),
        balance: availableAfterGrant(result),
      },
      occurredAtMs: nowMs,
    });
    await stores.credits.insertGrant({
      id: input.grantId,
      customerId: input.customerId,
      creditType: input.creditType,
      sourceKind: input.sourceKind,
      sourceId: input.sourceId,
      amountGranted: input.amount,
      amountRemaining: input.amount,
      amountExpired: 0,
      amountClawedBack: 0,
      priority: input.priority,
      expiresAtMs: input.expiresAtMs,
      grantedAtMs: nowMs,
    });
    return { replayed: false };
  }

  /** Takes `amount` from the grants in burn order; call only after a posting debited the balance. */
  async burn(
    stores: CreditStores,
    customerId: string,
    creditType: string,
    amount: number,
  ): Promise<GrantAllocation[]> {
    const grantId = await stores.credits.burnFirstGrant(customerId, creditType, amount);
    if (grantId !== null) return [{ grantId, amount }];
    const grants = await stores.credits.listSpendableGrants(customerId, creditType);
    const allocations = allocate(grants, amount);
    await stores.credits.changeGrants(burnChanges(allocations));
    return allocations;
  }

  async restore(stores: CreditStores, allocations: GrantAllocation[]): Promise<void> {
    if (allocations.length > 0) await stores.credits.changeGrants(restoreChanges(allocations));
  }

  /**
   * Expires lapsed grants and releases holds that ran out, for one balance, before anything else
   * touches it. Cheap when there is nothing due: one indexed read.
   */
  async settleDue(stores: CreditStores, customerId: string, creditType: string, nowMs: number) {
    if (!(await stores.credits.hasDueWork(customerId, creditType, nowMs))) return;
    await stores.credits.lockBalance(creditAccount("available", customerId, creditType));
    for (const hold of await stores.credits.listDueHolds(customerId, creditType, nowMs)) {
      await this.settleHold(stores, hold, "expired", 0, nowMs);
    }
    for (const grant of await stores.credits.listDueGrants(customerId, creditType, nowMs)) {
      await this.expire(stores, grant, grant.amountRemaining);
    }
  }

  /** Lapses `amount` of what is left of a grant, as a posting; call with the balance locked. */
  async expire(stores: CreditStores, grant: GrantRecord, amount: number): Promise<void> {
    if (amount <= 0) return;
    await this.post(stores, {
      id: creditTransactionId("expire", grant.id, String(grant.amountExpired + amount)),
      description: `${amount} ${grant.creditType} expired`,
      metadata: { action: "expire", grantId: grant.id },
      entries: moveCredits(grant.customerId, grant.creditType, "available", "expired", amount),
    });
    await stores.credits.changeGrants([{ grantId: grant.id, remainingDelta: -amount, expiredDelta: amount }]);
  }

  /**
   * Ends an open hold: `amountCommitted` of it is spent, the rest goes back to the grants it came from
   * (the latest-burned first). Returns false when the hold was no longer open.
   */
  async settleHold(
    stores: CreditStores,
    hold: HoldRecord,
    to: HoldStatus,
    amountCommitted: number,
    nowMs: number,
  ): Promise<boolean> {
    const moved = await stores.credits.transitionHold(
      hold.id,
      "held",
      to,
      to === "committed" ? amountCommitted : null,
      nowMs,
    );
    if (!moved) return false;
    const returned = hold.amountHeld - amountCommitted;
    const legs: Array<[CreditAccountRole, number]> = [
      ["spent", amountCommitted],
      ["available", returned],
    ];
    const entries = legs
      .filter(([, amount]) => amount > 0)
      .flatMap(([role, amount]) => moveCredits(hold.customerId, hold.creditType, "held", role, amount));
    if (entries.length > 0) {
      await this.post(stores, {
        id: creditTransactionId("hold", hold.id, "settle"),
        description: `Hold ${hold.id} ${to}`,
        metadata: { ...hold.metadata, action: `hold_${to}`, holdId: hold.id, committed: amountCommitted },
        entries: mergeLegs(entries),
      });
    }
    const [, rest] = splitAllocations(hold.allocations, amountCommitted);
    await this.restore(stores, rest);
    return true;
  }

  /** Gives a committed hold's credits back to the grants it was taken from; exactly once. */
  async refundHold(stores: CreditStores, hold: HoldRecord, nowMs: number): Promise<boolean> {
    const amount = hold.amountCommitted ?? 0;
    if (!(await stores.credits.transitionHold(hold.id, "committed", "refunded", amount, nowMs))) return false;
    if (amount === 0) return true;
    await this.post(stores, {
      id: creditTransactionId("hold", hold.id, "refund"),
      description: `Refund of failed job ${hold.id}`,
      metadata: { ...hold.metadata, action: "refund", holdId: hold.id },
      entries: moveCredits(hold.customerId, hold.creditType, "spent", "available", amount),
    });
    const [spent] = splitAllocations(hold.allocations, amount);
    await this.restore(stores, spent);
    return true;
  }

  /** Takes back up to `amount` unspent credits of one grant (a refunded pack); returns what it took. */
  async clawBack(stores: CreditStores, grantId: string, amount: number, reason: string): Promise<number> {
    const grant = await stores.credits.findGrant(grantId);
    if (!grant) return 0;
    await stores.credits.lockBalance(creditAccount("available", grant.customerId, grant.creditType));
    const locked = await stores.credits.findGrant(grantId);
    const taken = Math.min(amount, locked?.amountRemaining ?? 0);
    if (taken <= 0) return 0;
    await this.post(stores, {
      id: creditTransactionId("clawback", grantId, String(grant.amountClawedBack + taken)),
      description: `${taken} ${grant.creditType} clawed back: ${reason}`,
      metadata: { action: "claw_back", grantId, reason },
      entries: moveCredits(grant.customerId, grant.creditType, "available", "clawedBack", taken),
    });
    await stores.credits.changeGrants([{ grantId, remainingDelta: -taken, clawedBackDelta: taken }]);
    return taken;
  }
}

/** The held account appears once with the sum of its legs, keeping postings small. */
function mergeLegs(entries: EntryInput[]): EntryInput[] {
  const held = entries.filter((entry) => entry.amountMinor < 0);
  const rest = entries.filter((entry) => entry.amountMinor > 0);
  const total = held.reduce((sum, entry) => sum + entry.amountMinor, 0);
  return [{ account: held[0]!.account, amountMinor: total }, ...rest];
}
