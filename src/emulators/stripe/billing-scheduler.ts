import { expireCheckoutSession } from "./checkout-operations.js";
import { arrivePayout } from "./connect-operations.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { type DueAction, nextSubscriptionAction } from "./subscription-lifecycle.js";

/** Bounds one catch-up, so a ten-year jump over daily prices cannot hang a request. */
const DUE_ACTIONS_MAX = 5_000;

function earliestDue(runtime: StripeEmulatorRuntime, nowSeconds: number): DueAction | undefined {
  let earliest: DueAction | undefined;
  const consider = (action: DueAction | undefined) => {
    if (action && action.at <= nowSeconds && (!earliest || action.at < earliest.at)) earliest = action;
  };
  for (const session of runtime.store.checkoutSessions.all()) {
    if (session.status === "open")
      consider({ at: session.expires_at, run: () => expireCheckoutSession(runtime, session) });
  }
  for (const subscription of runtime.store.subscriptions.all())
    consider(nextSubscriptionAction(runtime, subscription));
  for (const payout of runtime.store.payouts.all()) {
    if (payout.status === "pending" || payout.status === "in_transit")
      consider({ at: payout.arrival_date, run: () => arrivePayout(runtime, payout) });
  }
  return earliest;
}

/**
 * Applies what time does at Stripe up to the emulator's current time, in chronological order and each
 * at its own moment: checkout expiry, trial ends, renewals, dunning retries, cancellations, payout arrivals. Runs
 * before every request and after every clock advance, so it is the only place time changes state.
 */
export function runDueWork(runtime: StripeEmulatorRuntime): void {
  const now = Math.floor(runtime.clock.now().getTime() / 1000);
  let ran = 0;
  for (
    let action = earliestDue(runtime, now);
    action && ran < DUE_ACTIONS_MAX;
    action = earliestDue(runtime, now)
  ) {
    runtime.atTime(action.at, action.run);
    ran += 1;
  }
  if (ran > 0) runtime.changed();
}

/** Moves the emulator clock forward and applies what became due. */
export function advanceClock(runtime: StripeEmulatorRuntime, seconds: number): Date {
  const now = runtime.clock.advanceSeconds(seconds);
  runDueWork(runtime);
  return now;
}
