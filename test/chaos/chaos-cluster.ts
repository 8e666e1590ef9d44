import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const cliEntry = resolve("src/node/cli-main.ts");
/** How long a (re)started process may take to listen on a loaded 2-core machine before the run fails. */
const startTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;

/** A `billhook serve` on a fixed port: killed and restarted in place, so clients keep its address. */
export interface ServeInstance {
  readonly index: number;
  readonly url: string;
  /** Up = listening; false from the moment it is killed until its restart listens. */
  up: boolean;
  /** The current incarnation (killed ones are gone). */
  child: ChildProcess | null;
  restarts: number;
}

export interface KillRecord {
  instance: number;
  atMs: number;
  /** When its restart listened again; unset while it starts. */
  upAgainAtMs?: number;
}

/**
 * The `billhook` CLI compiled from the current sources into one file, as the published package runs
 * compiled code: a restart then takes a second or two instead of the ten that tsx needs on a loaded
 * 2-core machine — and what the chaos measures is how soon a retry resolves, not how slowly tsx starts.
 * It lives under node_modules/.cache so its external packages resolve from the repository.
 */
export async function bundleCli(): Promise<{ entry: string; remove(): void }> {
  const cacheDirectory = resolve("node_modules/.cache");
  mkdirSync(cacheDirectory, { recursive: true });
  const directory = mkdtempSync(join(cacheDirectory, "billhook-chaos-"));
  const { build } = await import("esbuild");
  await build({
    entryPoints: [cliEntry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: join(directory, "cli-bundle.mjs"),
    logLevel: "error",
  });
  // Started through a second file: modules that check "am I the script being run?" must not see the
  // bundle itself as the script.
  const entry = join(directory, "cli.mjs");
  writeFileSync(entry, 'await import("./cli-bundle.mjs");\n');
  return { entry, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** `node <cli> <args>`: one process, so SIGKILL reaches the server itself. */
export function spawnCli(entry: string, args: string[], environment: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolves when the process prints `pattern`; rejects if it exits first or takes too long. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((done, fail) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`${what} did not start in time: ${output}`)),
      startTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        done();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited (${code ?? signal}) before it was ready: ${output}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

/** Runs `count` serve instances and one worker over one database; kills and restarts on request. */
export class ChaosCluster {
  readonly instances: ServeInstance[] = [];
  readonly kills: KillRecord[] = [];
  readonly #entry: string;
  readonly #environment: Record<string, string>;
  readonly #starting = new Set<Promise<void>>();
  #worker: ChildProcess | null = null;
  #stopping = false;

  constructor(entry: string, environment: Record<string, string>) {
    this.#entry = entry;
    this.#environment = { ...environment, LOG_LEVEL: "error", HOST: "127.0.0.1" };
  }

  async start(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const port = await freePort();
      this.instances.push({ index, url: `http://127.0.0.1:${port}`, up: false, child: null, restarts: 0 });
    }
    this.#worker = spawnCli(this.#entry, ["worker"], this.#environment);
    await Promise.all([
      waitForOutput(this.#worker, /worker running/, "billhook worker"),
      ...this.instances.map((instance) => this.#launch(instance)),
    ]);
  }

  /** SIGKILLs one running instance (no chance to finish anything) and starts it again at once. */
  killAndRestart(instance: ServeInstance, nowMs: number): void {
    if (this.#stopping || !instance.up || !instance.child) return;
    instance.up = false;
    instance.child.kill("SIGKILL");
    const kill: KillRecord = { instance: instance.index, atMs: nowMs };
    this.kills.push(kill);
    instance.restarts += 1;
    const launching = this.#launch(instance)
      .then(() => {
        kill.upAgainAtMs = Date.now();
      })
      .finally(() => this.#starting.delete(launching));
    this.#starting.add(launching);
  }

  /** Waits until every instance listens again (the end of the chaos phase). */
  async settle(): Promise<void> {
    while (this.#starting.size > 0) await Promise.all(this.#starting);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const children = [...this.instances.map((instance) => instance.child), this.#worker];
    await Promise.all(children.map((child) => (child ? terminate(child) : undefined)));
  }

  async #launch(instance: ServeInstance): Promise<void> {
    const port = new URL(instance.url).port;
    const child = spawnCli(this.#entry, ["serve", "--port", port, "--no-migrate"], this.#environment);
    instance.child = child;
    // A killed incarnation's stderr is noise; a restart that fails to listen is an error of the run.
    await waitForOutput(child, /listening on/, `billhook serve #${instance.index}`);
    if (!this.#stopping && instance.child === child) instance.up = true;
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}
