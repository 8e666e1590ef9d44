import { BillhookError, type FieldIssue, ValidationError } from "../../kernel/index.js";
import type { MetadataValue } from "../ledger/index.js";

/** Named limits on everything the credits API accepts. */
export const creditLimits = {
  amountMax: 1_000_000_000_000,
  idempotencyKeyLengthMax: 128,
  customerIdLengthMax: 200,
  metadataKeysMax: 20,
  metadataValueLengthMax: 500,
  holdTtlSecondsDefault: 15 * 60,
  holdTtlSecondsMax: 7 * 24 * 60 * 60,
  priorityMax: 1000,
  historyPageMax: 200,
  /** Balances the sweeper settles per round. */
  sweepBatchMax: 100,
} as const;

export function checkAmount(amount: number, path = "amount", minimum = 1): FieldIssue[] {
  return Number.isSafeInteger(amount) && amount >= minimum && amount <= creditLimits.amountMax
    ? []
    : [{ path, message: `must be an integer from ${minimum} to ${creditLimits.amountMax}` }];
}

export function checkKey(value: string, path: string, lengthMax: number): FieldIssue[] {
  return value.length >= 1 && value.length <= lengthMax
    ? []
    : [{ path, message: `must be 1 to ${lengthMax} characters` }];
}

export function checkMetadata(metadata: Record<string, MetadataValue> | undefined): FieldIssue[] {
  const entries = Object.entries(metadata ?? {});
  if (entries.length > creditLimits.metadataKeysMax)
    return [{ path: "metadata", message: `must have at most ${creditLimits.metadataKeysMax} keys` }];
  return entries
    .filter(
      ([key, value]) =>
        key === "action" || (typeof value === "string" && value.length > creditLimits.metadataValueLengthMax),
    )
    .map(([key]) => ({ path: `metadata.${key}`, message: key === "action" ? "is reserved" : "is too long" }));
}

export function refuseIssues(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError("The credits request is invalid.", issues);
}

export function unknownCreditType(type: string): BillhookError {
  return new BillhookError("UNKNOWN_CREDIT_TYPE", `The catalog declares no credit type "${type}".`, { type });
}
