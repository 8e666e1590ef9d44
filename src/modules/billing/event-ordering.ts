import type { OrderStatus, SubscriptionStatus } from "../provider/index.js";

/**
 * How far along its life an object is. Providers stamp several events of one flow with the same
 * modification time (an order is created and paid in the same instant), so when two descriptions
 * carry equal times the one further along wins: a late `order.created` never undoes `order.paid`.
 */
const orderProgress: Record<OrderStatus, number> = {
  draft: 0,
  pending: 1,
  paid: 2,
  void: 2,
  partially_refunded: 3,
  refunded: 4,
};

const subscriptionProgress: Record<SubscriptionStatus, number> = {
  incomplete: 0,
  trialing: 1,
  active: 2,
  past_due: 3,
  paused: 3,
  unpaid: 4,
  incomplete_expired: 5,
  canceled: 5,
};

/** True when `incoming` describes an older state than `held` and must not replace it. */
export function isStale(
  held: { modifiedAtMs: number; progress: number },
  incoming: { modifiedAtMs: number; progress: number },
): boolean {
  if (incoming.modifiedAtMs !== held.modifiedAtMs) return incoming.modifiedAtMs < held.modifiedAtMs;
  return incoming.progress < held.progress;
}

export function orderProgressOf(status: OrderStatus): number {
  return orderProgress[status];
}

export function subscriptionProgressOf(status: SubscriptionStatus, cancelAtPeriodEnd: boolean): number {
  // Scheduling a cancellation is a step forward at the same status.
  return subscriptionProgress[status] * 2 + (cancelAtPeriodEnd ? 1 : 0);
}
