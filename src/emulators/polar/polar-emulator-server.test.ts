import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnEmulatorCli } from "../shared/testing/cli-process.js";
import { startPolarEmulator } from "./polar-emulator-server.js";

describe("emulator server", () => {
  it("persists state to a JSON file and restores it, clock offset included", async () => {
    const folder = mkdtempSync(join(tmpdir(), "polar-emulator-"));
    const stateFile = join(folder, "state.json");
    try {
      const first = await startPolarEmulator({ stateFile, token: "polar_oat_persist" });
      const created = await fetch(`${first.url}/v1/products/`, {
        method: "POST",
        headers: { authorization: "Bearer polar_oat_persist", "content-type": "application/json" },
        body: JSON.stringify({ name: "Kept", prices: [{ amount_type: "fixed", price_amount: 500 }] }),
      });
      const product = (await created.json()) as { id: string };
      first.clock.advance(3600);
      await first.close();
      const second = await startPolarEmulator({ stateFile, token: "polar_oat_persist" });
      const fetched = await fetch(`${second.url}/v1/products/${product.id}`, {
        headers: { authorization: "Bearer polar_oat_persist" },
      });
      expect(fetched.status).toBe(200);
      expect(second.runtime.clock.offsetSeconds).toBe(3600);
      await second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("starts from the CLI, prints its URL and token, and serves the API", async () => {
    const entry = new URL("./testing/cli-entry.ts", import.meta.url).pathname;
    const cli = spawnEmulatorCli(
      entry,
      ["--port", "0", "--token", "polar_oat_cli", "--seed", "9"],
      "Access token",
    );
    try {
      const output = await cli.output;
      expect(output).toContain("Access token: polar_oat_cli");
      const url = /listening on (\S+)/.exec(output)?.[1];
      const response = await fetch(`${url}/v1/products/`, {
        headers: { authorization: "Bearer polar_oat_cli" },
      });
      expect(response.status).toBe(200);
    } finally {
      cli.child.kill("SIGTERM");
    }
  });
});
