import { expireIfDue } from "./checkout-payment.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { advanceSubscription } from "./subscription-lifecycle.js";

/**
 * Applies what time does at Polar up to the emulator's current time: checkout expiry, trial ends,
 * renewals, dunning retries, cancellations and pauses taking effect. Runs before every request and after
 * every clock advance, so it is the only place time-driven state changes happen.
 */
export function runDueWork(runtime: PolarEmulatorRuntime): void {
  let changed = false;
  for (const checkout of runtime.store.checkouts.all()) {
    if (expireIfDue(runtime, checkout)) changed = true;
  }
  for (const subscription of runtime.store.subscriptions.all()) {
    const before = subscription.modified_at;
    advanceSubscription(runtime, subscription);
    if (subscription.modified_at !== before) changed = true;
  }
  if (changed) runtime.changed();
}

/** Moves the test clock forward and applies what became due. */
export function advanceClock(runtime: PolarEmulatorRuntime, seconds: number): Date {
  const now = runtime.clock.advanceSeconds(seconds);
  runDueWork(runtime);
  return now;
}
