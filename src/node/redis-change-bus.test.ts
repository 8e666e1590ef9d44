import { spawn } from "node:child_process";
import { createServer, type Server, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Logger, randomBase62 } from "../kernel/index.js";
import { redisAvailableForTests, testRedisUrl } from "../testing/redis.js";
import { RedisChangeBus } from "./redis-change-bus.js";

const redisUrl = testRedisUrl;

const reachable = await redisAvailableForTests(redisUrl);

function recordingLogger() {
  const entries: Array<{
    level: "info" | "warn" | "error";
    fields: Record<string, unknown>;
    message: string;
  }> = [];
  const logger: Logger = {
    info: (fields, message) => entries.push({ level: "info", fields, message }),
    warn: (fields, message) => entries.push({ level: "warn", fields, message }),
    error: (fields, message) => entries.push({ level: "error", fields, message }),
  };
  return { logger, entries };
}

/**
 * Redis gone away, observably: a port that resets every connection at once (ioredis sees an error and
 * a lost connection on each retry), counting the attempts so a test can wait for retries to happen.
 */
async function resettingServer(): Promise<{ url: string; attempts(): number; close(): Promise<void> }> {
  let attempts = 0;
  const server = createServer((socket) => {
    attempts += 1;
    socket.on("error", () => undefined);
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP proxy in front of Redis whose connections the test can cut, as if Redis went away. */
async function startProxy(target: string): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(port || 6379), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: proxyPort } = server.address() as { port: number };
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `redis://127.0.0.1:${proxyPort}`,
    cut,
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(url: string, logger?: Logger): RedisChangeBus {
  const bus = new RedisChangeBus(url, logger ? { logger } : {});
  cleanups.push(() => bus.close());
  return bus;
}

describe("RedisChangeBus, Redis away", () => {
  it("does not throw from publish, still wakes local watchers and logs the outage once per connection", async () => {
    const away = await resettingServer();
    cleanups.push(() => away.close());
    const { logger, entries } = recordingLogger();
    const bus = open(away.url, logger);
    const received: string[] = [];
    bus.subscribe((customerId) => received.push(customerId));
    const warnings = () => entries.filter((entry) => entry.level === "warn");

    expect(() => bus.publish("cus_local")).not.toThrow();
    expect(received).toEqual(["cus_local"]);

    await vi.waitFor(
      () =>
        expect(
          warnings()
            .map((entry) => entry.fields.connection)
            .sort(),
        ).toEqual(["publisher", "subscriber"]),
      { timeout: 20_000 },
    );
    // Both connections retry (every second) and fail again, and a second publish fails too: still
    // nothing more is logged. Waiting for the retries themselves, not for a time, keeps this exact.
    bus.publish("cus_again");
    const attemptsBefore = away.attempts();
    await vi.waitFor(() => expect(away.attempts()).toBeGreaterThanOrEqual(attemptsBefore + 4), {
      timeout: 20_000,
      interval: 50,
    });
    expect(warnings()).toHaveLength(2);
    expect(received).toEqual(["cus_local", "cus_again"]);

    await bus.close();
    // ready() waits for a subscription that never came: closing settles it.
    await expect(bus.ready()).rejects.toThrow();
  });
});

(reachable ? describe : describe.skip)("RedisChangeBus", () => {
  it("carries a publish on one bus to the subscribers of another", async () => {
    const busA = open(redisUrl);
    const busB = open(redisUrl);
    await Promise.all([busA.ready(), busB.ready()]);
    const onA: string[] = [];
    const onB: string[] = [];
    busA.subscribe((customerId) => onA.push(customerId));
    busB.subscribe((customerId) => onB.push(customerId));

    const customerId = `cus_${randomBase62(10)}`;
    busB.publish(customerId);

    expect(onB).toContain(customerId); // locally, at once
    await vi.waitFor(() => expect(onA).toContain(customerId), { timeout: 20_000 });
  });

  it("stops delivering to an unsubscribed listener", async () => {
    const busA = open(redisUrl);
    const busB = open(redisUrl);
    await Promise.all([busA.ready(), busB.ready()]);
    const kept: string[] = [];
    const dropped: string[] = [];
    busA.subscribe((customerId) => kept.push(customerId));
    busA.subscribe((customerId) => dropped.push(customerId))();

    const customerId = `cus_${randomBase62(10)}`;
    busB.publish(customerId);
    await vi.waitFor(() => expect(kept).toContain(customerId), { timeout: 20_000 });
    expect(dropped).toEqual([]);
  });

  it("re-subscribes after the connection to Redis is lost, and logs the outage and the recovery", async () => {
    const proxy = await startProxy(redisUrl);
    cleanups.push(() => proxy.close());
    const { logger, entries } = recordingLogger();
    const busA = open(proxy.url, logger);
    const busB = open(redisUrl);
    await Promise.all([busA.ready(), busB.ready()]);
    const onA: string[] = [];
    busA.subscribe((customerId) => onA.push(customerId));

    proxy.cut();

    // Signals sent while A is away are lost (watchers poll); keep signalling until A hears again.
    const customerId = `cus_${randomBase62(10)}`;
    await vi.waitFor(
      () => {
        busB.publish(customerId);
        expect(onA).toContain(customerId);
      },
      { timeout: 20_000, interval: 200 },
    );
    await vi.waitFor(() =>
      expect(
        entries.filter((entry) => entry.level === "info").map((entry) => entry.fields.connection),
      ).toContain("subscriber"),
    );
    expect(
      entries.filter((entry) => entry.level === "warn").map((entry) => entry.fields.connection),
    ).toContain("subscriber");
  });

  it("closes both connections so that the process can exit", async () => {
    // A separate process: open, subscribe, publish, close. Any connection or timer left would keep it alive.
    const busModule = fileURLToPath(new URL("./redis-change-bus.ts", import.meta.url));
    const script = `
      const { RedisChangeBus } = await import(${JSON.stringify(busModule)});
      const bus = new RedisChangeBus(${JSON.stringify(redisUrl)});
      await bus.ready();
      bus.publish("cus_exit");
      await bus.close();
      await bus.close();
      console.log("closed");
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let printedClosed: () => void = () => undefined;
    const closedPrinted = new Promise<void>((resolve) => {
      printedClosed = resolve;
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("closed")) printedClosed();
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // Starting tsx may take long on a loaded machine; what is timed is only the exit after close().
    await Promise.race([closedPrinted, exited]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exit = await Promise.race([
      exited,
      new Promise<"still running">((resolve) => {
        timer = setTimeout(() => resolve("still running"), 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (exit === "still running") child.kill();
    expect({ exit, output: output.trim() }).toEqual({ exit: 0, output: "closed" });
  }, 60_000);
});
