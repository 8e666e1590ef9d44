import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Billhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { dayMs } from "../kernel/index.js";
import { conformanceCatalog } from "../testing/provider-harness.js";
import { EmulatorClock } from "./emulator-clock.js";
import { createRuntime } from "./runtime.js";
import { type FetchHandler, listen, type RunningServer } from "./serve.js";

/** Polls `read` until `accept` holds; fails with the last value after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** `billhook emulator stripe` in a child process, as a developer starts it in another terminal. */
async function startEmulatorProcess(directory: string) {
  const child = spawn(
    resolve("node_modules/.bin/tsx"),
    [resolve("src/node/cli-main.ts"), "emulator", "stripe", "--port", "0", "--seed", "clock-follow"],
    { cwd: directory, env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let printed = "";
  child.stdout.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  // Generous: on a loaded 2-core machine tsx compiling the CLI is slow.
  const deadline = Date.now() + 150_000; // a cold tsx start takes tens of seconds on a loaded machine
  while (!/Secret key: /.test(printed) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
  }
  const url = /listening on (http:\/\/\S+)/.exec(printed)?.[1];
  const secretKey = /Secret key: (sk_test_\w+)/.exec(printed)?.[1];
  if (!url || !secretKey) throw new Error(`the emulator did not start: ${printed}`);
  return { child, url, secretKey };
}

async function stopProcess(child: ChildProcessByStdio<null, Readable, Readable>) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((done) => child.once("exit", done));
}

describe("BILLHOOK_CLOCK=emulator: Billhook follows an emulator running in another process", () => {
  let directory: string;
  let emulator: Awaited<ReturnType<typeof startEmulatorProcess>>;
  let server: RunningServer;
  let billhook: Billhook;

  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.ok, `${path}: ${response.status}`).toBe(true);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const stripe = async (path: string, form: Record<string, string>) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${emulator.secretKey}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(form).toString(),
    });
    expect(response.ok, `${path}: ${response.status}`).toBe(true);
    return response.json() as Promise<Record<string, unknown>>;
  };
  /** Every webhook the emulator owes us has arrived and been applied. */
  const settle = async () => {
    for (let round = 0; round < 3; round++) {
      await control("/_emulator/webhooks/idle", {});
      await billhook.webhooks.drain();
    }
  };
  const check = (customerId: string) => billhook.entitlements.check({ customerId, feature: "export" });

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "billhook-emulator-clock-"));
    emulator = await startEmulatorProcess(directory);
    let handler: FetchHandler = () => new Response("starting", { status: 503 });
    server = await listen((request, env) => handler(request, env), { port: 0, host: "127.0.0.1" });
    const endpoint = await stripe("/v1/webhook_endpoints", {
      url: `${server.url}/v1/webhooks/stripe`,
      "enabled_events[]": "*",
    });
    ({ billhook } = await createRuntime(
      {
        DATABASE_URL: join(directory, "billhook.db"),
        LOG_LEVEL: "silent",
        STRIPE_SECRET_KEY: emulator.secretKey,
        STRIPE_API_URL: emulator.url,
        STRIPE_WEBHOOK_SECRET: String(endpoint.secret),
        BILLHOOK_CLOCK: "emulator",
      },
      { fallbackConfig: { catalog: conformanceCatalog.catalog, settings: { pastDueGraceDays: 3 } } },
    ));
    await billhook.storage.migrate();
    handler = createHttpApp(billhook).fetch;
    await billhook.catalogSync.push();
  }, 240_000);
  afterAll(async () => {
    await billhook?.close();
    await server?.close();
    if (emulator) await stopProcess(emulator.child);
    rmSync(directory, { recursive: true, force: true });
  });

  it("reads the emulator's time at start and follows its jumps", async () => {
    expect(billhook.clock).toBeInstanceOf(EmulatorClock);
    const before = Date.parse(String((await control("/_emulator/clock")).now));
    await control("/_emulator/clock/advance", { seconds: 10 * 86_400 });
    // Bounded staleness: the jump shows within one refresh, waited for rather than slept on.
    const followed = await eventually(
      async () => billhook.clock.now().getTime(),
      (nowMs) => nowMs >= before + 10 * dayMs,
    );
    const after = Date.parse(String((await control("/_emulator/clock")).now));
    expect(Math.abs(followed - after)).toBeLessThan(5_000);
  });

  it("ends a past-due grace period by the emulator's clock", async () => {
    const customerId = `clock_${Date.now().toString(36)}`;
    const { url } = await billhook.checkouts.create({
      customerId,
      product: "pro",
      successUrl: "https://app.example.com/thanks",
      email: `${customerId}@example.com`,
    });
    const paid = await fetch(url, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ card: "4242424242424242", email: `${customerId}@example.com` }).toString(),
    });
    expect(paid.status).toBe(303);
    await settle();
    expect(await check(customerId)).toMatchObject({ allowed: true });
    // Every later charge of this customer is declined.
    const found = await fetch(
      `${emulator.url}/v1/customers/search?query=${encodeURIComponent(`metadata['billhook_customer_id']:'${customerId}'`)}`,
      { headers: { authorization: `Bearer ${emulator.secretKey}` } },
    );
    const stripeCustomerId = ((await found.json()) as { data: Array<{ id: string }> }).data[0]!.id;
    await control(`/_emulator/customers/${stripeCustomerId}/card`, { card: "4000000000000341" });

    // The renewal fails: past due, with three days' grace counted from the emulator's time.
    await control("/_emulator/clock/advance", { seconds: 31 * 86_400 });
    await settle();
    const inGrace = await check(customerId);
    expect(inGrace).toMatchObject({ allowed: true });
    expect(inGrace.activeUntil).not.toBeNull();

    // Four days later, by the emulator's clock only (the wall clock moved by seconds): access lapses.
    await control("/_emulator/clock/advance", { seconds: 4 * 86_400 });
    await settle();
    const lapsed = await eventually(
      () => check(customerId),
      (answer) => !answer.allowed,
    );
    expect(lapsed).toMatchObject({ allowed: false, code: "PAYMENT_REQUIRED" });
  });
});

describe("BILLHOOK_CLOCK=emulator refusals", () => {
  it("needs the emulator's URL, and is refused in production", async () => {
    await expect(
      createRuntime({ DATABASE_URL: ":memory:", LOG_LEVEL: "silent", BILLHOOK_CLOCK: "emulator" }),
    ).rejects.toThrow(/BILLHOOK_CLOCK=emulator needs POLAR_API_URL or STRIPE_API_URL/);
    await expect(
      createRuntime({
        DATABASE_URL: ":memory:",
        LOG_LEVEL: "silent",
        BILLHOOK_CLOCK: "emulator",
        NODE_ENV: "production",
        STRIPE_API_URL: "http://127.0.0.1:1",
      }),
    ).rejects.toThrow(/refused when NODE_ENV=production/);
  });
});
