import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.js";
import { createBillhookClient } from "./client.js";

const entry = fileURLToPath(new URL("../testing/killable-server.ts", import.meta.url));

function startServerProcess(
  databasePath: string,
  port: number,
  mode: string,
  env: Record<string, string> = {},
) {
  const child = spawn(process.execPath, ["--import", "tsx", entry, databasePath, String(port), mode], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready ")) resolve();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}): ${output}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  return { child, ready, exited };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("a Billhook server process killed mid-request", () => {
  const directory = mkdtempSync(join(tmpdir(), "billhook-kill-"));
  const databasePath = join(directory, "billhook.db");
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  });

  it("the client's retries take effect once, and check answers per its failure policy while it is down", async () => {
    const storage = openStorage({ databaseUrl: databasePath });
    await storage.migrate();
    const { createBillhook } = await import("../engine.js");
    const { resolveConfig } = await import("../config/index.js");
    const seed = createBillhook({
      storage,
      config: resolveConfig({}, { catalog: { credits: { images: { unit: "image" } } } }),
    });
    const serverKey = (await seed.apiKeys.create({ scope: "server", name: "kill test" })).secret;
    await seed.credits.grant({ customerId: "u_kill", type: "images", amount: 10, idempotencyKey: "seed" });
    await storage.close();

    const port = await freePort();
    const first = startServerProcess(databasePath, port, "die-after-spend");
    children.push(first.child);
    await first.ready;
    // The spend's retries must outlast a restart, which is a tsx process starting: 5-30 s on a loaded
    // machine. Generous, since only a hang should fail here.
    const client = createBillhookClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: serverKey,
      timeoutMs: 150_000,
      attemptTimeoutMs: 5_000,
      checkTimeoutMs: 500,
      retry: { attemptsMax: 1_000, delayMsBase: 50, delayMsMax: 200 },
    });

    const spending = client.credits.spend({ customerId: "u_kill", type: "images", amount: 4 });
    expect(await first.exited).toBe("SIGKILL");

    // Down: check answers by policy (within its timeout) instead of hanging or throwing.
    const closed = await client.check({ customerId: "u_kill", feature: "generate" });
    const open = await client.check(
      { customerId: "u_kill", feature: "generate" },
      { failurePolicy: "failOpen" },
    );
    expect(closed).toMatchObject({ source: "fail-closed", allowed: false, code: "BILLHOOK_UNAVAILABLE" });
    expect(open).toMatchObject({ source: "fail-open", allowed: true });

    // Restarted (after the dead request's in-flight lock ran out): the retry completes the spend once.
    const second = startServerProcess(databasePath, port, "normal", { CLOCK_OFFSET_MS: String(61_000) });
    children.push(second.child);
    await second.ready;
    expect(await spending).toMatchObject({ balance: 6 });

    const check = await client.check({ customerId: "u_kill", feature: "generate", units: 6 });
    expect(check).toMatchObject({ source: "billhook", allowed: true, balance: 6 });
    const history = await client.credits.history("u_kill", "images");
    expect(history.items.filter((item) => item.amount < 0)).toHaveLength(1);
    second.child.kill("SIGTERM");
    await second.exited;
  }, 240_000);
});
