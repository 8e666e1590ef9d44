import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPolarEmulator, startPolarEmulator } from "../emulators/polar/index.js";
import { testCatalog } from "../testing/polar-harness.js";
import { runCli } from "./cli.js";

const directory = mkdtempSync(join(tmpdir(), "billhook-billing-cli-"));
let emulator: RunningPolarEmulator;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const error: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), error: (line) => error.push(line) });
  return { code, out: out.join("\n"), error: error.join("\n") };
}

describe("billhook catalog / doctor / reconcile against the Polar emulator", () => {
  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: "cli" });
    const configPath = join(directory, "billhook.config.ts");
    writeFileSync(configPath, `export default ${JSON.stringify(testCatalog)};\n`);
    Object.assign(process.env, {
      DATABASE_URL: join(directory, "cli.db"),
      LOG_LEVEL: "silent",
      BILLHOOK_CONFIG: configPath,
      POLAR_ACCESS_TOKEN: emulator.token,
      POLAR_API_URL: emulator.url,
      POLAR_WEBHOOK_SECRET: "whsec_test",
    });
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("shows drift, pushes it away, and a second push changes nothing", async () => {
    const diff = await cli("catalog", "diff");
    expect(diff.out).toContain("create    pro");
    expect(diff.out).toContain("3 change(s) pending");

    expect((await cli("catalog", "push")).code).toBe(0);
    const second = await cli("catalog", "push");
    expect(second.out.split("\n").every((line) => line.startsWith("unchanged"))).toBe(true);
    expect((await cli("catalog", "diff")).out).toContain("No drift.");
  });

  it("doctor reports each check with a fix for what fails", async () => {
    const doctor = await cli("doctor");
    expect(doctor.out).toMatch(/ok {3}database/);
    expect(doctor.out).toMatch(/ok {3}provider +polar configured/);
    expect(doctor.out).toMatch(/ok {3}catalog +3 product\(s\) in sync/);
    expect(doctor.out).toMatch(/ok {3}ledger/);

    process.env.PUBLIC_ORIGIN = "https://billing.example.com";
    try {
      const withOrigin = await cli("doctor");
      expect(withOrigin.code).toBe(1);
      expect(withOrigin.out).toContain("FAIL webhook endpoint");
      expect(withOrigin.out).toContain(
        "fix: create or re-enable a webhook endpoint for https://billing.example.com/v1/webhooks/polar",
      );
    } finally {
      delete process.env.PUBLIC_ORIGIN;
    }
  });

  it("reconciles and lists webhook deliveries", async () => {
    const reconciled = await cli("reconcile", "--full");
    expect(reconciled.code).toBe(0);
    expect(reconciled.out).toMatch(/Applied \d+ subscription\(s\) and \d+ order\(s\)/);
    expect((await cli("webhooks", "list")).code).toBe(0);
    expect((await cli("webhooks", "replay", "--failed")).out).toBe("Replayed 0 deliveries.");
  });

  it("pushes the catalog to Stripe once, and refuses two providers at once", async () => {
    const { startStripeEmulator } = await import("../emulators/stripe/index.js");
    const stripe = await startStripeEmulator({ seed: "cli" });
    const saved = { ...process.env };
    try {
      delete process.env.POLAR_ACCESS_TOKEN;
      delete process.env.POLAR_API_URL;
      Object.assign(process.env, {
        DATABASE_URL: join(directory, "stripe-cli.db"),
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_API_URL: stripe.url,
      });
      const first = await cli("catalog", "push");
      expect(first.code, first.error).toBe(0);
      const second = await cli("catalog", "push");
      expect(second.out.split("\n").every((line) => line.startsWith("unchanged"))).toBe(true);

      process.env.POLAR_ACCESS_TOKEN = "polar_oat_x";
      const both = await cli("catalog", "diff");
      expect(both.code).toBe(1);
      expect(both.error).toContain("POLAR_ACCESS_TOKEN and STRIPE_SECRET_KEY are both set");
    } finally {
      process.env = saved;
      await stripe.close();
    }
  });
});
