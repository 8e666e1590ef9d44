/** The Polar emulator: a stateful, offline look-alike of Polar's API, hosted pages and webhooks. */
export { type EmulatorClock, fixedClock, systemClock, TestClock } from "../shared/emulator-clock.js";
export { type FaultSettings, NO_FAULTS } from "../shared/emulator-faults.js";
export { type PolarEmulatorOptions, PolarEmulatorRuntime } from "./emulator-runtime.js";
export { createPolarEmulatorApp } from "./polar-emulator-app.js";
export {
  type RunningPolarEmulator,
  type StartPolarEmulatorOptions,
  startPolarEmulator,
} from "./polar-emulator-server.js";
export type { PolarStateSnapshot } from "./polar-store.js";
export { TEST_CARD_NUMBERS } from "./test-cards.js";
export {
  ALL_EMITTED_EVENT_TYPES,
  SDK_PARSEABLE_EVENT_TYPES,
  type WebhookEndpointHandle,
  type WebhookEndpointHelper,
  webhookEndpointHelper,
} from "./webhook-endpoint-helper.js";
export { signWebhook } from "./webhook-signer.js";
