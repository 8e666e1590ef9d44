import { assert } from "../../kernel/index.js";
import type { GrantChange } from "./credit-store.js";
import type { GrantAllocation, GrantRecord } from "./credit-types.js";

/**
 * Which grants a spend of `amount` burns, in order: the list comes sorted soonest-expiring first,
 * then by priority. Asserts the grants cover it: the ledger's floor check has already guaranteed the
 * balance does, and the grants must always sum to the available balance.
 *
 * @example
 * allocate([{ id: "g1", amountRemaining: 3, … }, { id: "g2", amountRemaining: 10, … }], 5)
 * // → [{ grantId: "g1", amount: 3 }, { grantId: "g2", amount: 2 }]
 */
export function allocate(grants: GrantRecord[], amount: number): GrantAllocation[] {
  const allocations: GrantAllocation[] = [];
  let left = amount;
  for (const grant of grants) {
    if (left === 0) break;
    const taken = Math.min(grant.amountRemaining, left);
    if (taken > 0) allocations.push({ grantId: grant.id, amount: taken });
    left -= taken;
  }
  assert(left === 0, `grants cover ${amount - left} of ${amount} credits, below the ledger balance`);
  return allocations;
}

/**
 * Splits allocations (in burn order) into the first `amount` credits and the rest. Committing less
 * than was held returns the rest: the credits that were burned last, i.e. the latest-expiring.
 */
export function splitAllocations(
  allocations: GrantAllocation[],
  amount: number,
): [GrantAllocation[], GrantAllocation[]] {
  const head: GrantAllocation[] = [];
  const tail: GrantAllocation[] = [];
  let left = amount;
  for (const allocation of allocations) {
    const taken = Math.min(allocation.amount, left);
    if (taken > 0) head.push({ grantId: allocation.grantId, amount: taken });
    if (allocation.amount > taken)
      tail.push({ grantId: allocation.grantId, amount: allocation.amount - taken });
    left -= taken;
  }
  assert(left === 0, `allocations hold less than ${amount} credits`);
  return [head, tail];
}

export function burnChanges(allocations: GrantAllocation[]): GrantChange[] {
  return allocations.map((allocation) => ({
    grantId: allocation.grantId,
    remainingDelta: -allocation.amount,
  }));
}

export function restoreChanges(allocations: GrantAllocation[]): GrantChange[] {
  return allocations.map((allocation) => ({
    grantId: allocation.grantId,
    remainingDelta: allocation.amount,
  }));
}

export function sumOf(allocations: GrantAllocation[]): number {
  return allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
}
