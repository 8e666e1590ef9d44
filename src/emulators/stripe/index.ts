/** The Stripe emulator: a stateful, offline look-alike of Stripe's v1 API, hosted pages and signed webhooks. */
export { type EmulatorClock, fixedClock, systemClock, TestClock } from "../shared/emulator-clock.js";
export { type FaultSettings, NO_FAULTS } from "../shared/emulator-faults.js";
export { createStripeEmulatorApp } from "./stripe-emulator-app.js";
export {
  type RunningStripeEmulator,
  type StartStripeEmulatorOptions,
  startStripeEmulator,
} from "./stripe-emulator-server.js";
export { STRIPE_API_VERSION, type StripeEmulatorOptions, StripeEmulatorRuntime } from "./stripe-runtime.js";
export type { StripeStateSnapshot } from "./stripe-store.js";
export { TEST_CARDS } from "./test-cards.js";
export {
  type StripeWebhookEndpointHandle,
  type StripeWebhookEndpointHelper,
  stripeWebhookEndpointHelper,
} from "./webhook-endpoint-helper.js";
export { computeStripeSignature, stripeSignatureHeader } from "./webhook-signer.js";
