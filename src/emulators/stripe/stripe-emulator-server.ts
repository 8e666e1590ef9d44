import { serveEmulator } from "../shared/emulator-server.js";
import { advanceClock } from "./billing-scheduler.js";
import { createStripeEmulatorApp } from "./stripe-emulator-app.js";
import { type StripeEmulatorOptions, StripeEmulatorRuntime } from "./stripe-runtime.js";
import type { StripeStateSnapshot } from "./stripe-store.js";
import { type StripeWebhookEndpointHelper, stripeWebhookEndpointHelper } from "./webhook-endpoint-helper.js";

export interface StartStripeEmulatorOptions extends StripeEmulatorOptions {
  /** 0 (the default) picks a free port; the CLI defaults to 12111 like stripe-mock. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Loads state from this JSON file at start (if it exists) and writes it back after changes. */
  stateFile?: string;
}

export interface RunningStripeEmulator {
  /** Base URL, e.g. `http://127.0.0.1:12111` (the SDK wants host, port and protocol separately). */
  url: string;
  host: string;
  port: number;
  protocol: "http";
  secretKey: string;
  publishableKey: string;
  webhooks: StripeWebhookEndpointHelper;
  clock: { now(): Date; advance(seconds: number): Date };
  runtime: StripeEmulatorRuntime;
  close(): Promise<void>;
}

/**
 * Starts the Stripe emulator on a local port.
 *
 * @example
 * const emulator = await startStripeEmulator({ deliverySpeedFactor: 100_000 });
 * const stripe = new Stripe(emulator.secretKey, { host: emulator.host, port: emulator.port, protocol: "http" });
 */
export async function startStripeEmulator(
  options: StartStripeEmulatorOptions = {},
): Promise<RunningStripeEmulator> {
  const host = options.host ?? "127.0.0.1";
  const served = await serveEmulator<StripeStateSnapshot, StripeEmulatorRuntime>({
    ...options,
    hostname: host,
    createRuntime: (init) => new StripeEmulatorRuntime({ ...options, ...init }),
    createApp: createStripeEmulatorApp,
  });
  const running = served.runtime;
  return {
    url: served.url,
    host,
    port: served.port,
    protocol: "http",
    secretKey: running.secretKey,
    publishableKey: running.publishableKey,
    webhooks: stripeWebhookEndpointHelper(running),
    clock: { now: () => running.clock.now(), advance: (seconds) => advanceClock(running, seconds) },
    runtime: running,
    close: served.close,
  };
}
