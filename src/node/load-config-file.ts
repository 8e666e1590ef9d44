import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createJiti } from "jiti";

const candidates = ["billhook.config.ts", "billhook.config.mts", "billhook.config.js", "billhook.config.mjs"];

/**
 * Loads `billhook.config.ts` (or the file `BILLHOOK_CONFIG` names) from the working directory.
 * jiti compiles TypeScript on the fly, so users need no build step for their config. Node only.
 */
export async function loadConfigFile(
  cwd: string,
  explicitPath?: string,
): Promise<{ fileName: string; config: unknown } | null> {
  const path = explicitPath
    ? resolve(cwd, explicitPath)
    : candidates.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
  if (!path) return null;
  if (!existsSync(path)) throw new Error(`BILLHOOK_CONFIG points at ${path}, which does not exist.`);
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  const loaded = await jiti.import<{ default?: unknown }>(path);
  return { fileName: path, config: loaded.default ?? loaded };
}
