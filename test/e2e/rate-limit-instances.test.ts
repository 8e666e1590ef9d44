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
// Small enough that even a loaded CI machine sends 10x the limit in every window.
const limit = 8;
const windowSeconds = 5;
const windowsMeasured = 3;
const concurrency = 64;

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

  it("accepts at most the limit per window across instances under 10x load; 429s carry Retry-After", async () => {
    const windowMs = windowSeconds * 1000;
    // Start just after a window boundary, so each measured window is whole.
    await new Promise((done) => setTimeout(done, windowMs - (Date.now() % windowMs) + 50));
    const firstWindow = Math.floor(Date.now() / windowMs);
    const endMs = (firstWindow + windowsMeasured) * windowMs;
    let accepted = 0;
    let attempts = 0;
    let refused = 0;
    let refusedWithoutRetryAfter = 0;
    let next = 0;
    const lane = async () => {
      while (Date.now() < endMs - 30) {
        const url = urls[next++ % urls.length]!;
        const response = await fetch(
          `${url}/v1/entitlements/check?customerId=${customerId}&feature=generate`,
          {
            headers: { authorization: `Bearer ${serverKey}` },
          },
        );
        await response.arrayBuffer();
        attempts += 1;
        if (response.status === 200) accepted += 1;
        else {
          expect(response.status).toBe(429);
          refused += 1;
          if (!(Number(response.headers.get("retry-after")) >= 1)) refusedWithoutRetryAfter += 1;
        }
      }
    };
    // What the shared store counted per fixed window, read just after each window closes (before
    // the counter expires): exact, where a client clock could only guess which window decided.
    const redis = new Redis(redisUrl);
    const base = `billhook:rl:{${encodeURIComponent(customerId)}:generate}:${windowMs}:`;
    const counted = Array.from(
      { length: windowsMeasured },
      (_, offset) =>
        new Promise<number>((done) =>
          setTimeout(
            async () => done(Number((await redis.get(`${base}${firstWindow + offset}`)) ?? 0)),
            (firstWindow + offset + 1) * windowMs + 500 - Date.now(),
          ),
        ),
    );
    await Promise.all(Array.from({ length: concurrency }, lane));
    const perWindow = await Promise.all(counted);
    await redis.quit();
    console.info(
      `rate limit across 3 processes: ${limit} per ${windowSeconds} s; ${attempts} requests over ${windowsMeasured} windows ` +
        `(${(attempts / windowsMeasured / limit).toFixed(1)}x the limit); accepted ${accepted} (per window ${perWindow.join(", ")}); ${refused} refused`,
    );
    expect(attempts / windowsMeasured).toBeGreaterThanOrEqual(10 * limit);
    // Requests sent in these windows, wherever the boundary fell: at most the limit each, plus 5 %.
    expect(accepted).toBeLessThanOrEqual(windowsMeasured * limit * 1.05);
    for (const count of perWindow) expect(count).toBeLessThanOrEqual(limit * 1.05);
    expect(perWindow.reduce((sum, count) => sum + count, 0)).toBe(accepted);
    // The instances share one budget (not one each, nor none): most of it is used in every window.
    expect(accepted).toBeGreaterThanOrEqual(windowsMeasured * limit * 0.8);
    expect(refusedWithoutRetryAfter).toBe(0);
  }, 120_000);
});
