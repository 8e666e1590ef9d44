import { existsSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
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

/** Waits after a change before writing, so a burst of writes becomes one file write. */
const STATE_WRITE_DELAY_MS = 50;

function stateWriter(runtime: () => PolarEmulatorRuntime, stateFile: string | undefined) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    if (!stateFile) return writing;
    const text = JSON.stringify(runtime().snapshot());
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
 * Starts the emulator on a local port.
 *
 * @example
 * const emulator = await startPolarEmulator({ seed: 1, deliverySpeedFactor: 1000 });
 * const polar = new Polar({ accessToken: emulator.token, serverURL: emulator.url });
 */
export async function startPolarEmulator(
  options: StartPolarEmulatorOptions = {},
): Promise<RunningPolarEmulator> {
  const initialState =
    options.initialState ??
    (options.stateFile && existsSync(options.stateFile)
      ? (JSON.parse(readFileSync(options.stateFile, "utf8")) as PolarStateSnapshot)
      : undefined);
  let runtime: PolarEmulatorRuntime | undefined;
  const writer = stateWriter(() => runtime!, options.stateFile);
  runtime = new PolarEmulatorRuntime({
    ...options,
    initialState,
    onStateChange: () => {
      writer.schedule();
      options.onStateChange?.();
    },
  });
  const app = createPolarEmulatorApp(runtime);
  const hostname = options.hostname ?? "127.0.0.1";
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      // Keep the global Response: the SDK checks `instanceof Response`, which breaks when tests run the
      // SDK in the same process and @hono/node-server swaps in its own Response class.
      const started = serve(
        { fetch: app.fetch, port: options.port ?? 0, hostname, overrideGlobalObjects: false },
        (info: AddressInfo) => resolve({ server: started, port: info.port }),
      );
    },
  );
  const url = `http://${hostname}:${port}`;
  runtime.publicUrl ??= url;
  const running = runtime;
  return {
    url,
    token: running.token,
    webhooks: webhookEndpointHelper(running),
    clock: { now: () => running.now(), advance: (seconds) => advanceClock(running, seconds) },
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
