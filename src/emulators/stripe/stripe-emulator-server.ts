import { existsSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
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

/** Waits after a change before writing, so a burst of writes becomes one file write. */
const STATE_WRITE_DELAY_MS = 50;

function stateWriter(snapshot: () => StripeStateSnapshot, stateFile: string | undefined) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    if (!stateFile) return writing;
    const text = JSON.stringify(snapshot());
    writing = writing.then(async () => {
      await writeFile(`${stateFile}.tmp`, text);
      await rename(`${stateFile}.tmp`, stateFile);
    });
    return writing;
  };
  return {
    schedule: () => {
      if (stateFile && !timer) timer = setTimeout(write, STATE_WRITE_DELAY_MS);
    },
    flush: async () => {
      if (timer) clearTimeout(timer);
      await write();
    },
  };
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
  const initialState =
    options.initialState ??
    (options.stateFile && existsSync(options.stateFile)
      ? (JSON.parse(readFileSync(options.stateFile, "utf8")) as StripeStateSnapshot)
      : undefined);
  let runtime: StripeEmulatorRuntime | undefined;
  const writer = stateWriter(() => runtime!.snapshot(), options.stateFile);
  runtime = new StripeEmulatorRuntime({
    ...options,
    initialState,
    onStateChange: () => {
      writer.schedule();
      options.onStateChange?.();
    },
  });
  const app = createStripeEmulatorApp(runtime);
  const host = options.host ?? "127.0.0.1";
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      // Keep the global Response: SDKs in the same process check `instanceof Response`.
      const started = serve(
        { fetch: app.fetch, port: options.port ?? 0, hostname: host, overrideGlobalObjects: false },
        (info: AddressInfo) => resolve({ server: started, port: info.port }),
      );
    },
  );
  const url = `http://${host}:${port}`;
  runtime.publicUrl ??= url;
  const running = runtime;
  return {
    url,
    host,
    port,
    protocol: "http",
    secretKey: running.secretKey,
    publishableKey: running.publishableKey,
    webhooks: stripeWebhookEndpointHelper(running),
    clock: { now: () => running.clock.now(), advance: (seconds) => advanceClock(running, seconds) },
    runtime: running,
    async close() {
      running.dispatcher.close();
      await writer.flush();
      await new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
