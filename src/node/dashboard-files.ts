import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { DashboardAssets } from "../http/dashboard-assets.js";

/**
 * Where `vite build` puts the dashboard: `dist/dashboard` at the package root, reached the same way
 * from `src/node` (tsx) and `dist/node` (the published build).
 */
export const dashboardBuildDirectory = fileURLToPath(new URL("../../dist/dashboard/", import.meta.url));

/** Reads the built dashboard from disk; paths that climb out of the directory are not found. */
export function dashboardAssetsFromDisk(directory: string = dashboardBuildDirectory): DashboardAssets {
  const root = resolve(directory);
  return {
    location: root,
    async read(path) {
      const file = resolve(root, path);
      if (!file.startsWith(root + sep)) return null;
      try {
        return new Uint8Array(await readFile(file));
      } catch {
        return null;
      }
    },
  };
}

/** One line for the startup banner: where the dashboard is, or how to build it when it is missing. */
export function describeDashboard(serverUrl: string, directory: string = dashboardBuildDirectory): string {
  return existsSync(resolve(directory, "index.html"))
    ? `${serverUrl}/dashboard/`
    : `not built (no ${resolve(directory, "index.html")}); run \`npm run build:dashboard\``;
}
