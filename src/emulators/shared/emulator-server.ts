import { existsSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

/** What the Node server needs of an emulator runtime, whichever provider it plays. */
export interface ServableRuntime<State> {
  publicUrl: string | undefined;
  snapshot(): State;
  dispatcher: { close(): void };
}

export interface ServeEmulatorOptions<State, Runtime extends ServableRuntime<State>> {
  port?: number;
  hostname: string;
  /** Loads state from this JSON file at start (if it exists) and writes it back after changes. */
  stateFile?: string;
  /** Wins over the state file, as the `initialState` option always has. */
  initialState?: State;
  onStateChange?: () => void;
  createRuntime(init: { initialState: State | undefined; onStateChange: () => void }): Runtime;
  createApp(runtime: Runtime): { fetch: Parameters<typeof serve>[0]["fetch"] };
}

export interface ServedEmulator<Runtime> {
  runtime: Runtime;
  url: string;
  port: number;
  /** Stops webhook delivery, writes pending state, then closes the socket. */
  close(): Promise<void>;
}

/** Waits after a change before writing, so a burst of writes becomes one file write. */
const STATE_WRITE_DELAY_MS = 50;

function stateWriter(snapshot: () => unknown, stateFile: string | undefined) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    if (!stateFile) return writing;
    const text = JSON.stringify(snapshot());
    // Write-then-rename, so a crash mid-write never leaves a half-written state file.
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

function readStateFile<State>(stateFile: string | undefined): State | undefined {
  if (!stateFile || !existsSync(stateFile)) return undefined;
  return JSON.parse(readFileSync(stateFile, "utf8")) as State;
}

/**
 * Starts an emulator's Hono app on a local port, with its state persisted to `stateFile`.
 *
 * @example
 * const served = await serveEmulator({ hostname: "127.0.0.1", createRuntime, createApp });
 */
export async function serveEmulator<State, Runtime extends ServableRuntime<State>>(
  options: ServeEmulatorOptions<State, Runtime>,
): Promise<ServedEmulator<Runtime>> {
  const initialState = options.initialState ?? readStateFile<State>(options.stateFile);
  let created: Runtime | undefined;
  // The runtime reports changes from its constructor on, before `created` is assigned.
  const writer = stateWriter(() => created!.snapshot(), options.stateFile);
  const runtime = options.createRuntime({
    initialState,
    onStateChange: () => {
      writer.schedule();
      options.onStateChange?.();
    },
  });
  created = runtime;
  const app = options.createApp(runtime);
  const { hostname } = options;
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      // Keep the global Response: the SDKs check `instanceof Response`, which breaks when tests run an
      // SDK in the same process and @hono/node-server swaps in its own Response class.
      const started = serve(
        { fetch: app.fetch, port: options.port ?? 0, hostname, overrideGlobalObjects: false },
        (info: AddressInfo) => resolve({ server: started, port: info.port }),
      );
    },
  );
  const url = `http://${hostname}:${port}`;
  runtime.publicUrl ??= url;
  return {
    runtime,
    url,
    port,
    async close() {
      runtime.dispatcher.close();
      await writer.flush();
      await new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
