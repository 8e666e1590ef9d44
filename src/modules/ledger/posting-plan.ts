import {
  assert,
  assertSafeInteger,
  BillhookError,
  canonicalJson,
  type FieldIssue,
  sha256Hex,
  ValidationError,
} from "../../kernel/index.js";
import { ledgerLimits } from "./ledger-limits.js";
import type { BalanceDelta } from "./ledger-store.js";
import type { AccountKey, EntryInput, MetadataValue, PostingInput } from "./ledger-types.js";

/** A posting that has passed every check that needs no database: what will be written, and its hash. */
export interface PostingPlan {
  id: string;
  description: string;
  metadata: Record<string, MetadataValue>;
  entries: EntryInput[];
  /** SHA-256 of the canonical content: a replay with the same hash is the same transaction. */
  contentHash: string;
}

/**
 * Validates a posting and computes its content hash. Rejects (with nothing written) any transaction
 * that does not sum to zero in each currency.
 *
 * @example
 * planPosting({ id: "order_42", entries: [
 *   { account: { kind: "provider_clearing", ownerId: "", currency: "USD" }, amountMinor: -500 },
 *   { account: { kind: "revenue", ownerId: "", currency: "USD" }, amountMinor: 500 },
 * ] });
 */
export function planPosting(input: PostingInput): PostingPlan {
  const issues = validateShape(input);
  if (issues.length > 0) throw new ValidationError("The ledger transaction is invalid.", issues);
  assertBalanced(input.entries);
  const description = input.description ?? "";
  const metadata = input.metadata ?? {};
  const entries = input.entries.map(normalizeEntry);
  const contentHash = sha256Hex(canonicalJson({ description, metadata, entries }));
  return { id: input.id, description, metadata, entries, contentHash };
}

function normalizeEntry(entry: EntryInput): EntryInput {
  const account: AccountKey = {
    kind: entry.account.kind,
    ownerId: entry.account.ownerId,
    currency: entry.account.currency,
  };
  return entry.balanceFloorMinor === undefined
    ? { account, amountMinor: entry.amountMinor }
    : { account, amountMinor: entry.amountMinor, balanceFloorMinor: entry.balanceFloorMinor };
}

function assertBalanced(entries: EntryInput[]): void {
  const sums = new Map<string, number>();
  for (const entry of entries) {
    const sum = (sums.get(entry.account.currency) ?? 0) + entry.amountMinor;
    if (!Number.isSafeInteger(sum)) {
      throw new ValidationError("The ledger transaction is invalid.", [
        {
          path: "entries",
          message: `amounts in ${entry.account.currency} add up beyond the safe integer range`,
        },
      ]);
    }
    sums.set(entry.account.currency, sum);
  }
  const unbalanced = [...sums].filter(([, sum]) => sum !== 0);
  if (unbalanced.length > 0) {
    throw new BillhookError(
      "UNBALANCED_TRANSACTION",
      `Entries must sum to zero per currency; they sum to ${unbalanced
        .map(([currency, sum]) => `${sum} ${currency}`)
        .join(", ")}.`,
      { sums: Object.fromEntries(unbalanced) },
    );
  }
}

function validateShape(input: PostingInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const limits = ledgerLimits;
  if (input.id.length === 0 || input.id.length > limits.transactionIdLengthMax) {
    issues.push({ path: "id", message: `must be 1 to ${limits.transactionIdLengthMax} characters` });
  }
  if ((input.description ?? "").length > limits.descriptionLengthMax) {
    issues.push({
      path: "description",
      message: `must be at most ${limits.descriptionLengthMax} characters`,
    });
  }
  issues.push(...validateMetadata(input.metadata ?? {}));
  if (input.entries.length < 2 || input.entries.length > limits.entriesPerTransactionMax) {
    issues.push({ path: "entries", message: `must hold 2 to ${limits.entriesPerTransactionMax} entries` });
  }
  input.entries.forEach((entry, index) => {
    issues.push(...validateEntry(entry, `entries.${index}`));
  });
  return issues;
}

function validateEntry(entry: EntryInput, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { kind, ownerId, currency } = entry.account;
  if (!ledgerLimits.accountKindPattern.test(kind)) {
    issues.push({ path: `${path}.account.kind`, message: "must be snake_case, 1 to 64 characters" });
  }
  if (ownerId.length > ledgerLimits.ownerIdLengthMax) {
    issues.push({ path: `${path}.account.ownerId`, message: "is too long" });
  }
  if (!ledgerLimits.currencyPattern.test(currency)) {
    issues.push({ path: `${path}.account.currency`, message: "must be an upper-case code such as USD" });
  }
  if (!Number.isSafeInteger(entry.amountMinor) || entry.amountMinor === 0) {
    issues.push({ path: `${path}.amountMinor`, message: "must be a non-zero safe integer" });
  }
  if (entry.balanceFloorMinor !== undefined && !Number.isSafeInteger(entry.balanceFloorMinor)) {
    issues.push({ path: `${path}.balanceFloorMinor`, message: "must be a safe integer" });
  }
  return issues;
}

function validateMetadata(metadata: Record<string, MetadataValue>): FieldIssue[] {
  const entries = Object.entries(metadata);
  if (entries.length > ledgerLimits.metadataKeysMax) {
    return [{ path: "metadata", message: `must have at most ${ledgerLimits.metadataKeysMax} keys` }];
  }
  return entries
    .filter(([, value]) => typeof value === "string" && value.length > ledgerLimits.metadataValueLengthMax)
    .map(([key]) => ({ path: `metadata.${key}`, message: "is too long" }));
}

/** One delta per account, ordered by account id so concurrent postings lock rows in the same order. */
export function sumDeltas(plan: PostingPlan, accountIds: string[]): BalanceDelta[] {
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

/**
 * Before balances move: the deltas a posting (or a batch of them) applies sum to zero in every
 * currency, so no write can create or destroy money.
 */
export function assertDeltasBalanced(deltas: readonly BalanceDelta[]): void {
  const totals = new Map<string, number>();
  for (const { currency, deltaMinor } of deltas)
    totals.set(currency, (totals.get(currency) ?? 0) + deltaMinor);
  for (const [currency, total] of totals)
    assert(total === 0, `balance deltas in ${currency} sum to zero, not ${total}`);
}

/** After balances moved: the store answered a balance for every delta it applied. */
export function assertBalancesReturned(
  deltas: readonly BalanceDelta[],
  balances: ReadonlyMap<string, number>,
): void {
  for (const { accountId } of deltas) {
    const balanceMinor = balances.get(accountId);
    assert(balanceMinor !== undefined, `the balance of ${accountId} is returned by its update`);
    assertSafeInteger(balanceMinor, `the balance of ${accountId}`);
  }
}

export function enforceFloors(plan: PostingPlan, accountIds: string[], balances: Map<string, number>): void {
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
