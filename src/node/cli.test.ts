import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";

const workDirectory = mkdtempSync(join(tmpdir(), "billhook-cli-"));
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const error: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), error: (line) => error.push(line) });
  return { code, out, error };
}

describe("billhook CLI", () => {
  beforeEach(() => {
    process.env.DATABASE_URL = join(workDirectory, `cli-${Math.random().toString(36).slice(2)}.db`);
    process.env.LOG_LEVEL = "silent";
    delete process.env.BILLHOOK_CONFIG;
    delete process.env.PORT;
  });

  it("migrates once, then has nothing left to apply", async () => {
    const first = await cli("migrate");
    expect(first.code).toBe(0);
    expect(first.out.join("\n")).toMatch(/Applied [1-9]\d* migration/);
    expect((await cli("migrate")).out.join("\n")).toMatch(/Applied 0 migration/);
  });

  it("creates a key, prints it alone on the last line, lists and revokes it", async () => {
    const created = await cli("keys", "create", "--scope", "server", "--name", "web app");
    expect(created.code).toBe(0);
    const secret = created.out.at(-1)!;
    expect(secret).toMatch(/^bh_sk_[0-9A-Za-z]{32}$/);

    const listed = await cli("keys", "list");
    expect(listed.out.join("\n")).toContain(secret.slice(0, 14));
    expect(listed.out.join("\n")).not.toContain(secret);

    const revoked = await cli("keys", "revoke", secret.slice(0, 14));
    expect(revoked.code).toBe(0);
    expect((await cli("keys", "list")).out.join("\n")).toContain("revoked");
  });

  it("refuses an unknown scope", async () => {
    const result = await cli("keys", "create", "--scope", "root");
    expect(result.code).toBe(1);
    expect(result.error.join("\n")).toContain("--scope must be one of: admin, server");
  });

  it("verifies the ledger", async () => {
    await cli("migrate");
    const result = await cli("ledger", "verify");
    expect(result.code).toBe(0);
    expect(result.out[0]).toContain("no difference");
  });

  it("fails at start with a message naming the bad config field", async () => {
    const configPath = join(workDirectory, "billhook.config.ts");
    writeFileSync(
      configPath,
      'import type { BillhookConfigInput } from "billhook";\nexport default { settings: { idempotencyRetentionHours: 1 } } satisfies BillhookConfigInput;\n',
    );
    process.env.BILLHOOK_CONFIG = configPath;
    const badFile = await cli("migrate");
    expect(badFile.code).toBe(1);
    expect(badFile.error.join("\n")).toMatch(/billhook\.config\.ts: settings\.idempotencyRetentionHours: /);

    delete process.env.BILLHOOK_CONFIG;
    process.env.PORT = "not-a-port";
    const badEnvironment = await cli("migrate");
    expect(badEnvironment.code).toBe(1);
    expect(badEnvironment.error.join("\n")).toMatch(/environment: PORT: /);
  });

  it("explains usage for an unknown command", async () => {
    const result = await cli("frobnicate");
    expect(result.code).toBe(1);
    expect(result.error.join("\n")).toContain("Usage: billhook");
  });
});

describe("billhook dev (the Quick start)", () => {
  it.each(["polar", "stripe"])(
    "serves a fresh SQLite file with the %s emulator: paying the printed checkout flips check",
    async (provider) => {
      const directory = mkdtempSync(join(tmpdir(), "billhook-dev-"));
      const cliMain = resolve("src/node/cli-main.ts");
      const child = spawn(
        resolve("node_modules/.bin/tsx"),
        [cliMain, "dev", "--port", "0", "--provider", provider],
        {
          cwd: directory,
          env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "silent" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      try {
        let printed = "";
        // Until the quick start is printed, or the process dies (bad install, port taken), then show
        // what it said. No clock of its own: on a loaded 2-core machine the first start (tsx compiling,
        // demo bundle, emulator) is slow, and only the test's timeout bounds it.
        await new Promise<void>((done) => {
          const read = (chunk: Buffer) => {
            printed += chunk.toString();
            if (/then check: /.test(printed)) done();
          };
          child.stdout.on("data", read);
          child.stderr.on("data", read);
          child.once("exit", () => done());
        });
        const url = /listening on (http:\/\/[^\s]+)/.exec(printed)?.[1];
        const key = /demo API key: +(bh_sk_\w+)/.exec(printed)?.[1];
        expect(url, printed).toBeDefined();
        expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
        const accounts = await fetch(`${url}/v1/ledger/accounts`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(accounts.status).toBe(200);
      } finally {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await new Promise((done) => child.once("exit", done));
        }
        rmSync(directory, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
