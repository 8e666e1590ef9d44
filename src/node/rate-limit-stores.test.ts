import { type AddressInfo, createServer } from "node:net";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { randomBase62 } from "../kernel/index.js";
import { MemoryRateLimitStore, type RateLimitStore } from "../modules/rate-limits/index.js";
import { redisAvailableForTests, testRedisUrl } from "../testing/redis.js";
import { RedisRateLimitStore } from "./redis-rate-limit-store.js";

const redisUrl = testRedisUrl;

const reachable = await redisAvailableForTests(redisUrl);

const minute = { limit: 5, windowMs: 60_000 };
const start = Date.UTC(2026, 4, 20, 9, 0, 0);

/**
 * Blocks this thread, as a long synchronous task would, until Redis holds `key` (watched from a worker
 * thread over its own connection) and at least `blockedMsMin` has passed: whatever Redis answered
 * meanwhile is waiting, unread, in this process's socket when the event loop resumes.
 */
function blockUntilRedisHas(key: string, blockedMsMin: number): void {
  const startedAtMs = Date.now();
  const { hostname, port } = new URL(redisUrl);
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const watcher = new Worker(
    `
    const { connect } = require("node:net");
    const { workerData } = require("node:worker_threads");
    const { host, port, key, signal } = workerData;
    const socket = connect(port, host);
    const ask = () => socket.write("*2\\r\\n$3\\r\\nGET\\r\\n$" + Buffer.byteLength(key) + "\\r\\n" + key + "\\r\\n");
    socket.on("connect", ask);
    socket.on("data", (reply) => {
      if (reply.toString().startsWith("$-1")) return void setTimeout(ask, 2);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
      socket.destroy();
    });
    `,
    { eval: true, workerData: { host: hostname, port: Number(port || 6379), key, signal } },
  );
  const woken = Atomics.wait(signal, 0, 0, 20_000);
  void watcher.terminate();
  if (woken === "timed-out") throw new Error(`Redis never held ${key}`);
  while (Date.now() - startedAtMs < blockedMsMin) {
    // Past the command timeout: its timer is due when the event loop resumes.
  }
}

/** One suite, every store: the Redis script must decide exactly as the in-process counters do. */
for (const [name, open] of [
  ["memory", () => new MemoryRateLimitStore()],
  ["redis", () => new RedisRateLimitStore({ url: redisUrl })],
] as Array<[string, () => RateLimitStore]>) {
  const run = name === "redis" && !reachable ? describe.skip : describe;
  run(`rate-limit store [${name}]`, () => {
    const store = name === "redis" && !reachable ? null : open();
    afterAll(() => store?.close());
    const key = () => `test:${randomBase62(10)}`;

    it("allows up to the limit in a window and refuses the rest without counting them", async () => {
      const id = key();
      const answers = [];
      for (let index = 0; index < 8; index++) answers.push(await store!.consume(id, [minute], start + index));
      expect(answers.map((answer) => answer.allowed)).toEqual([
        true,
        true,
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
      expect(answers[4]!.counters).toEqual([{ previous: 0, current: 5 }]);
      expect(answers[7]!.counters).toEqual([{ previous: 0, current: 5 }]);
    });

    it("slides: the previous window's count fades as the new window advances", async () => {
      const id = key();
      for (let index = 0; index < 5; index++) await store!.consume(id, [minute], start + index);
      // 30 s into the next window, half of the previous 5 still counts: 2.5 + 1 <= 5, twice.
      const later = start + 60_000 + 30_000;
      const answers = [];
      for (let index = 0; index < 4; index++)
        answers.push((await store!.consume(id, [minute], later)).allowed);
      expect(answers).toEqual([true, true, false, false]);
      // Two windows later nothing of the first one counts.
      expect((await store!.consume(id, [minute], start + 180_000)).counters).toEqual([
        { previous: 0, current: 1 },
      ]);
    });

    it("counts a request only when every window has room", async () => {
      const id = key();
      const windows = [
        { limit: 3, windowMs: 1_000 },
        { limit: 4, windowMs: 60_000 },
      ];
      const allowed = [];
      for (let second = 0; second < 4; second++)
        for (let index = 0; index < 2; index++)
          allowed.push((await store!.consume(id, windows, start + second * 1_000 + index)).allowed);
      // The per-second window admits 2 a second; the minute window stops everything after 4.
      expect(allowed.filter(Boolean)).toHaveLength(4);
      const last = await store!.consume(id, windows, start + 5_000);
      expect(last).toEqual({
        allowed: false,
        counters: [
          { previous: 0, current: 0 },
          { previous: 0, current: 4 },
        ],
      });
    });

    if (name === "redis")
      it("uses an answer that arrived while the process was blocked past the command timeout", async () => {
        const busy = new RedisRateLimitStore({ url: redisUrl, commandTimeoutMs: 50 });
        try {
          const id = key();
          await busy.consume(`${id}:warm-up`, [minute], start); // connected, script loaded
          const answer = busy.consume(id, [minute], start);
          blockUntilRedisHas(`billhook:rl:{${id}}:60000:${Math.floor(start / 60_000)}`, 100);
          // Redis counted the request and answered; the answer is used, not a timeout that lets it
          // through unchecked.
          expect(await answer).toEqual({ allowed: true, counters: [{ previous: 0, current: 1 }] });
        } finally {
          await busy.close();
        }
      });

    if (name === "redis")
      it("fails a command Redis does not answer after the command timeout", async () => {
        const silent = createServer((socket) => socket.resume()); // reads, never answers
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const { port } = silent.address() as AddressInfo;
        const hung = new RedisRateLimitStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 50 });
        try {
          await expect(hung.consume(key(), [minute], start)).rejects.toThrow("Command timed out");
        } finally {
          await hung.close();
          await new Promise((resolve) => silent.close(resolve));
        }
      });

    it("stays within the limit under concurrent callers", async () => {
      const id = key();
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => store!.consume(id, [{ limit: 10, windowMs: 60_000 }], start)),
      );
      expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
    });
  });
}
