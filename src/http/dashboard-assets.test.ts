import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dashboardAssetsFromDisk } from "../node/dashboard-files.js";
import { openStorage } from "../storage/open-storage.js";
import { createTestService } from "../testing/test-engine.js";
import { createHttpApp } from "./app.js";

const directory = mkdtempSync(join(tmpdir(), "billhook-dashboard-"));
writeFileSync(join(directory, "index.html"), "<!doctype html><title>app</title>");
// A file beside the build directory, which a path climbing out of it must not reach.
const outside = mkdtempSync(join(tmpdir(), "billhook-outside-"));
writeFileSync(join(outside, "secret.txt"), "secret");
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function appWith(assetsDirectory: string | null) {
  const storage = openStorage({ databaseUrl: ":memory:" });
  await storage.migrate();
  const { billhook } = await createTestService(storage);
  return createHttpApp(
    billhook,
    assetsDirectory ? { dashboardAssets: dashboardAssetsFromDisk(assetsDirectory) } : {},
  );
}

describe("serving the dashboard", () => {
  it("answers every page path with index.html, revalidated, under a strict CSP", async () => {
    const app = await appWith(directory);
    for (const path of ["/dashboard/", "/dashboard/customers/user_1", "/dashboard/webhooks?status=failed"]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain("<title>app</title>");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    expect((await app.request("/dashboard")).headers.get("location")).toBe("/dashboard/");
  });

  it("caches hashed assets for ever and finds no file outside the build", async () => {
    mkdirSync(join(directory, "assets"), { recursive: true });
    writeFileSync(join(directory, "assets", "index-abc123.js"), "console.log(1)");
    const app = await appWith(directory);
    const asset = await app.request("/dashboard/assets/index-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await app.request("/dashboard/assets/missing.js")).status).toBe(404);
    const climbing = `/dashboard/..%2f${outside.split("/").at(-1)}%2fsecret.txt`;
    expect((await app.request(climbing)).status).toBe(404);
  });

  it("explains how to build the dashboard when its files are missing", async () => {
    const missing = await (await appWith(join(directory, "nothing-here"))).request("/dashboard/");
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain("npm run build:dashboard");
    const unconfigured = await (await appWith(null)).request("/dashboard/customers");
    expect(unconfigured.status).toBe(503);
  });
});
