import { BillhookError } from "../../kernel/index.js";
import type { Catalog } from "../catalog/index.js";
import type { MetadataValue } from "../ledger/index.js";
import { creditAccount } from "./credit-accounts.js";
import type { CreditStores } from "./credit-book.js";
import {
  checkAmount,
  checkKey,
  checkMetadata,
  creditLimits,
  refuseIssues,
  unknownCreditType,
} from "./credit-limits.js";

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

/** Refuses (nothing written) a spend or hold with an unknown type or a malformed field. */
export function checkSpend(catalog: Catalog, input: SpendInput): void {
  if (!catalog.findCreditType(input.type)) throw unknownCreditType(input.type);
  refuseIssues([
    ...checkAmount(input.amount),
    ...checkKey(input.idempotencyKey, "idempotencyKey", creditLimits.idempotencyKeyLengthMax),
    ...checkKey(input.customerId, "customerId", creditLimits.customerIdLengthMax),
    ...checkMetadata(input.metadata),
  ]);
}

/** The 402 a spend or hold gets when the available balance is short; it says where to buy more. */
export function insufficientCredits(
  input: SpendInput,
  balance: number,
  buyUrl: string | null,
): BillhookError {
  return new BillhookError(
    "INSUFFICIENT_CREDITS",
    `Not enough ${input.type}: ${balance} available, ${input.amount} required.`,
    { customerId: input.customerId, type: input.type, balance, required: input.amount, buyUrl },
  );
}

export async function availableOf(stores: CreditStores, customerId: string, type: string): Promise<number> {
  const [available] = await stores.credits.balancesOf([creditAccount("available", customerId, type)]);
  return available!;
}
