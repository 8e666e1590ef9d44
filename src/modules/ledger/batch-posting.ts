import { assert } from "../../kernel/index.js";
import type { BalanceDelta, LedgerStore } from "./ledger-store.js";
import type { LedgerTransaction, PostingInput, PostingResult } from "./ledger-types.js";
import {
  assertBalancesReturned,
  assertDeltasBalanced,
  enforceFloors,
  type PostingPlan,
  planPosting,
  sumDeltas,
} from "./posting-plan.js";

/** What `Ledger.postManyWithin` says of one posting: booked, or refused with nothing written. */
export type BatchPosting = { ok: true; result: PostingResult } | { ok: false; error: unknown };

interface Planned {
  index: number;
  plan: PostingPlan;
  accountIds: string[];
  deltas: BalanceDelta[];
}

/**
 * Posts several transactions inside the caller's unit of work in a handful of statements, with
 * exactly the outcome of posting them one after another in this order: each is booked whole, or
 * refused (INSUFFICIENT_BALANCE against the balances the ones before it left, or invalid) with
 * nothing of it written. An id already posted, or repeated in the batch, is left alone (`undefined`):
 * the caller posts it on its own afterwards, which replays it.
 *
 * The balances are read under lock first, and which ids exist after, so the decisions are made on
 * the balances the postings apply to; the applied result is checked against them, and any
 * difference throws (the caller rolls back and posts one by one).
 */
export async function postBatch(
  stores: { ledger: LedgerStore },
  postedAtMs: number,
  inputs: PostingInput[],
): Promise<Array<BatchPosting | undefined>> {
  const outcomes: Array<BatchPosting | undefined> = inputs.map(() => undefined);
  const candidates = validPlans(inputs, outcomes);
  if (candidates.length === 0) return outcomes;
  const withIds = await withAccounts(stores.ledger, candidates, postedAtMs);
  // Every balance the batch changes, locked at once in account id order: the order a single
  // posting's balance upsert locks them in, so batches and single postings never wait in a cycle.
  const locked = await stores.ledger.lockBalances([...new Set(withIds.flatMap((item) => item.accountIds))]);
  // Which ids are posted already is read only now, under those locks: a concurrent batch (another
  // instance) that posted one of them has committed by the time its locks were released, and READ
  // COMMITTED shows it to this statement. Read before the locks, the repeat would be decided as new.
  const existing = await stores.ledger.findTransactionIds(withIds.map(({ plan }) => plan.id));
  const planned = withIds.filter(({ plan }) => !existing.has(plan.id));
  if (planned.length === 0) return outcomes;
  const floored = flooredAccounts(planned);
  const accepted = decideInOrder(planned, floored, locked, outcomes);
  if (accepted.length === 0) return outcomes;
  const { sequences, before } = await writeAccepted(stores.ledger, accepted, floored, locked, postedAtMs);
  recordBooked(accepted, sequences, before, postedAtMs, outcomes);
  return outcomes;
}

/** Plans each input once; invalid ones are refused, ids repeated in the batch are left alone. */
function validPlans(
  inputs: PostingInput[],
  outcomes: Array<BatchPosting | undefined>,
): Array<{ index: number; plan: PostingPlan }> {
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
  return candidates;
}

async function withAccounts(
  ledger: LedgerStore,
  fresh: Array<{ index: number; plan: PostingPlan }>,
  postedAtMs: number,
): Promise<Planned[]> {
  const keys = fresh.flatMap(({ plan }) => plan.entries.map((entry) => entry.account));
  const accountIds = (await ledger.ensureAccounts(keys, postedAtMs)).map((account) => account.id);
  let offset = 0;
  return fresh.map(({ index, plan }) => {
    const ids = accountIds.slice(offset, offset + plan.entries.length);
    offset += plan.entries.length;
    return { index, plan, accountIds: ids, deltas: sumDeltas(plan, ids) };
  });
}

/** The accounts some entry must not overdraw: only these need their balances followed. */
function flooredAccounts(planned: Planned[]): Set<string> {
  const floored = new Set<string>();
  for (const { plan, accountIds } of planned) {
    plan.entries.forEach((entry, index) => {
      if (entry.balanceFloorMinor !== undefined) floored.add(accountIds[index]!);
    });
  }
  return floored;
}

/** Decides each posting as if it were posted alone after the accepted ones before it. */
function decideInOrder(
  planned: Planned[],
  floored: Set<string>,
  locked: Map<string, number>,
  outcomes: Array<BatchPosting | undefined>,
): Planned[] {
  const running = new Map<string, number>();
  for (const accountId of floored) running.set(accountId, locked.get(accountId) ?? 0);
  const accepted: Planned[] = [];
  for (const item of planned) {
    const after = new Map<string, number>();
    for (const delta of item.deltas) {
      const balance = running.get(delta.accountId);
      if (balance !== undefined) after.set(delta.accountId, balance + delta.deltaMinor);
    }
    try {
      enforceFloors(item.plan, item.accountIds, after);
    } catch (error) {
      outcomes[item.index] = { ok: false, error };
      continue;
    }
    for (const [accountId, balance] of after) running.set(accountId, balance);
    accepted.push(item);
  }
  return accepted;
}

/**
 * Writes the accepted postings: headers, entries and one delta per balance. Answers the entries'
 * sequences and each balance as it was before the batch, checked against the locked one for every
 * balance a decision was made on.
 */
async function writeAccepted(
  ledger: LedgerStore,
  accepted: Planned[],
  floored: Set<string>,
  locked: Map<string, number>,
  postedAtMs: number,
): Promise<{ sequences: number[]; before: Map<string, number> }> {
  const inserted = await ledger.insertTransactionsIfAbsent(
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
  // A concurrent transaction committed one of these ids after it was looked up: the decisions
  // counted it as new, so none of them stand.
  // Ids were looked up under the balance locks, so no other transaction can have posted one since.
  assert(inserted.size === accepted.length, "no batched ledger transaction id was posted concurrently");
  const sequences = await ledger.insertEntries(
    accepted.flatMap(({ plan, accountIds }) =>
      plan.entries.map((entry, index) => ({
        transactionId: plan.id,
        accountId: accountIds[index]!,
        currency: entry.account.currency,
        amountMinor: entry.amountMinor,
        postedAtMs,
      })),
    ),
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
  const batchDeltas = [...totals.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  assertDeltasBalanced(batchDeltas);
  const finals = await ledger.applyBalanceDeltas(batchDeltas, postedAtMs);
  assertBalancesReturned(batchDeltas, finals);
  const before = new Map<string, number>();
  for (const [accountId, total] of totals) {
    const final = finals.get(accountId);
    assert(final !== undefined, `ledger balance of ${accountId} is returned by its update`);
    before.set(accountId, final - total.deltaMinor);
  }
  // The floor decisions were made on the locked balances; anything else must not commit.
  for (const accountId of floored) {
    assert(
      !before.has(accountId) || before.get(accountId) === (locked.get(accountId) ?? 0),
      `ledger balance of ${accountId} did not change while it was locked`,
    );
  }
  return { sequences, before };
}

/** Each booked posting's result, with the balances it left, replayed forward from `before`. */
function recordBooked(
  accepted: Planned[],
  sequences: number[],
  before: Map<string, number>,
  postedAtMs: number,
  outcomes: Array<BatchPosting | undefined>,
): void {
  const balances = new Map(before);
  let sequenceIndex = 0;
  for (const { index, plan, accountIds, deltas } of accepted) {
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
        accountId: accountIds[entryIndex]!,
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
}
