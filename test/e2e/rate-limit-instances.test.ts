import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { randomBase62 } from "../../src/kernel/index.js";
import { openStorage } from "../../src/storage/open-storage.js";
import { proSubscription } from "../../src/testing/billing-fixtures.js";
import { redisAvailableForTests, testRedisUrl } from "../../src/testing/redis.js";

const redisUrl = testRedisUrl;
const limit = 8;
/**
 * One long window, so the outcome needs no clock: the servers decide by their own system clocks, and
 * the test only has to send more requests than fit. Even a run that straddles a window boundary is
 * exact: just after it the previous window's count still weighs (1 - elapsed / window) of itself, so
 * as long as elapsed < window / limit (here 450 s) previous + current stop at `limit` together. How
 * windows roll over and slide is specified by `src/node/rate-limit-stores.test.ts`, against the same
 * Redis script with an injected time.
 */
const windowSeconds = 3_600;
const requestsSent = 10 * limit;
const concurrency = 12;

const catalog = {
  features: { generate: { rateLimits: [{ limit, window: windowSeconds }] } },
  plans: {
    pro: {
      name: "Pro",
      price: { amountMinor: 1000, currency: "USD" },
      interval: "month",
      features: ["generate"],
    },
  },
};

/** `billhook serve` in a child process, as a deployment would run it; resolves with its URL. */
function serve(environment: Record<string, string>): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve("src/node/cli-main.ts"), "serve", "--port", "0"],
    {
      env: { ...process.env, ...environment },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = new Promise<string>((done, fail) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) done(match[1]!);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => fail(new Error(`billhook serve exited with ${code}: ${output}`)));
  });
  return { child, url };
}

const redisUp = await redisAvailableForTests(redisUrl);

(redisUp ? describe : describe.skip)("rate limits shared by three server processes through Redis", () => {
  const directory = mkdtempSync(join(tmpdir(), "billhook-rate-"));
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let serverKey = "";
  const customerId = `rl_${randomBase62(10)}`;

  beforeAll(async () => {
    const databaseUrl = join(directory, "billhook.db");
    writeFileSync(join(directory, "billhook.config.ts"), `export default ${JSON.stringify({ catalog })};\n`);
    const storage = openStorage({ databaseUrl });
    await storage.migrate();
    const billhook = createBillhook({ storage, config: resolveConfig({}, { catalog }) });
    serverKey = (await billhook.apiKeys.create({ scope: "server", name: "rate test" })).secret;
    const now = new Date();
    await storage.transaction((stores) =>
      billhook.billing.apply(stores, "polar", proSubscription(customerId, now)),
    );
    await billhook.close();
    const environment = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      BILLHOOK_CONFIG: join(directory, "billhook.config.ts"),
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
    };
    const started = [serve(environment), serve(environment), serve(environment)];
    children.push(...started.map((server) => server.child));
    urls.push(...(await Promise.all(started.map((server) => server.url))));
  }, 120_000);

  afterAll(() => {
    for (const child of children) child.kill("SIGTERM");
    rmSync(directory, { recursive: true, force: true });
  });

  it("accepts exactly the limit across instances under 10x load; 429s carry Retry-After", async () => {
    let next = 0;
    const answers: Array<{ status: number; decidedByStore: boolean; retryAfterSeconds: number }> = [];
    const lane = async () => {
      while (next < requestsSent) {
        const url = urls[next++ % urls.length]!;
        const response = await fetch(
          `${url}/v1/entitlements/check?customerId=${customerId}&feature=generate`,
          { headers: { authorization: `Bearer ${serverKey}` } },
        );
        await response.arrayBuffer();
        answers.push({
          status: response.status,
          // An answer the shared counter decided carries RateLimit-*; one let through because Redis
          // did not answer in time (the store's fail-open) carries none.
          decidedByStore: response.headers.has("ratelimit-limit"),
          retryAfterSeconds: Number(response.headers.get("retry-after")),
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));

    // What the shared store counted, in whichever fixed windows the requests fell.
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`billhook:rl:{${encodeURIComponent(customerId)}:generate}:*`);
    const counted = keys.length === 0 ? [] : (await redis.mget(...keys)).map(Number);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();

    const accepted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    const letThrough = accepted.filter((answer) => !answer.decidedByStore).length;
    console.info(
      `rate limit across 3 processes: ${limit} per ${windowSeconds} s; ${answers.length} requests; ` +
        `accepted ${accepted.length} (${letThrough} let through unchecked); counted ${counted.join(" + ")}; ${refused.length} refused`,
    );
    expect(answers).toHaveLength(requestsSent);
    expect(accepted.length + refused.length).toBe(requestsSent);
    // The three instances drew on one budget: exactly the limit was counted, and no instance accepted
    // beyond it on its own (each received more than the limit, so separate budgets would show).
    expect(counted.reduce((sum, count) => sum + count, 0)).toBe(limit);
    expect(accepted.length - letThrough).toBeLessThanOrEqual(limit);
    expect(accepted.length).toBeGreaterThanOrEqual(limit);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((answer) => !(answer.retryAfterSeconds >= 1))).toEqual([]);
  }, 120_000);
});
