import { serveEmulator } from "../shared/emulator-server.js";
import { advanceClock } from "./billing-scheduler.js";
import { type PolarEmulatorOptions, PolarEmulatorRuntime } from "./emulator-runtime.js";
import { createPolarEmulatorApp } from "./polar-emulator-app.js";
import type { PolarStateSnapshot } from "./polar-store.js";
import { type WebhookEndpointHelper, webhookEndpointHelper } from "./webhook-endpoint-helper.js";

export interface StartPolarEmulatorOptions extends PolarEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Loads state from this JSON file at start (if it exists) and writes it back after changes. */
  stateFile?: string;
}

export interface RunningPolarEmulator {
  /** Base URL to give the SDK as `serverURL` (no `/v1`). */
  url: string;
  /** The Bearer token the API accepts. */
  token: string;
  webhooks: WebhookEndpointHelper;
  clock: { now(): Date; advance(seconds: number): Date };
  runtime: PolarEmulatorRuntime;
  close(): Promise<void>;
}

/**
 * Starts the emulator on a local port.
 *
 * @example
 * const emulator = await startPolarEmulator({ seed: 1, deliverySpeedFactor: 1000 });
 * const polar = new Polar({ accessToken: emulator.token, serverURL: emulator.url });
 */
export async function startPolarEmulator(
  options: StartPolarEmulatorOptions = {},
): Promise<RunningPolarEmulator> {
  const served = await serveEmulator<PolarStateSnapshot, PolarEmulatorRuntime>({
    ...options,
    hostname: options.hostname ?? "127.0.0.1",
    createRuntime: (init) => new PolarEmulatorRuntime({ ...options, ...init }),
    createApp: createPolarEmulatorApp,
  });
  const running = served.runtime;
  return {
    url: served.url,
    token: running.token,
    webhooks: webhookEndpointHelper(running),
    clock: { now: () => running.now(), advance: (seconds) => advanceClock(running, seconds) },
    runtime: running,
    close: served.close,
  };
}
