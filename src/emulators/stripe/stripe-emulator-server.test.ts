import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnEmulatorCli } from "../shared/testing/cli-process.js";
import { createStripeEmulatorApp } from "./stripe-emulator-app.js";
import { startStripeEmulator } from "./stripe-emulator-server.js";
import { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { sdkFor } from "./testing/stripe-fixture.js";

describe("Stripe emulator server and app", () => {
  it("runs without a socket through app.request()", async () => {
    const runtime = new StripeEmulatorRuntime({ seed: 3 });
    const app = createStripeEmulatorApp(runtime);
    const created = await app.request("/v1/customers", {
      method: "POST",
      headers: {
        authorization: `Bearer ${runtime.secretKey}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "email=socketless%40example.com&metadata[source]=test",
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      object: "customer",
      email: "socketless@example.com",
      metadata: { source: "test" },
    });
    const unknown = await app.request("/v1/nothing", {
      headers: { authorization: `Bearer ${runtime.secretKey}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("persists state to a JSON file and restores it, clock offset included", async () => {
    const folder = mkdtempSync(join(tmpdir(), "stripe-emulator-"));
    const stateFile = join(folder, "state.json");
    try {
      const first = await startStripeEmulator({ stateFile, secretKey: "sk_test_persist" });
      const product = await sdkFor(first).products.create({ name: "Kept" });
      first.clock.advance(3600);
      await first.close();
      const second = await startStripeEmulator({ stateFile, secretKey: "sk_test_persist" });
      expect((await sdkFor(second).products.retrieve(product.id)).name).toBe("Kept");
      expect(second.runtime.clock.offsetSeconds).toBe(3600);
      await second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("starts from the CLI, prints URL, keys and an SDK snippet, and serves the API", async () => {
    const entry = new URL("./testing/cli-entry.ts", import.meta.url).pathname;
    const cli = spawnEmulatorCli(
      entry,
      ["--port", "0", "--secret-key", "sk_test_cli", "--seed", "9"],
      "Clock:",
    );
    try {
      const output = await cli.output;
      expect(output).toContain("Secret key: sk_test_cli");
      expect(output).toContain('new Stripe("sk_test_cli"');
      const url = /listening on (\S+)/.exec(output)?.[1];
      const response = await fetch(`${url}/v1/customers`, {
        headers: { authorization: "Bearer sk_test_cli" },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ object: "list", data: [] });
    } finally {
      cli.child.kill("SIGTERM");
    }
  });
});
