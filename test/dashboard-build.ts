import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";
import { dashboardBuildDirectory } from "../src/node/dashboard-files.js";

const sourceDirectory = join(process.cwd(), "dashboard");

/**
 * Builds the dashboard once per test run when its build is missing or older than any of its sources,
 * so browser tests always see the code under test and an unchanged tree costs nothing.
 */
export default async function setup(): Promise<void> {
  const index = join(dashboardBuildDirectory, "index.html");
  if (existsSync(index) && newestModification(sourceDirectory) <= statSync(index).mtimeMs) return;
  await build({ configFile: join(sourceDirectory, "vite.config.ts"), logLevel: "warn" });
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}
