import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Built by `npm run build` (and `prepare`) next to the compiled code: `dist/demo-app/demo.js`. */
const prebuiltPath = fileURLToPath(new URL("../demo-app/demo.js", import.meta.url));
const sourceEntry = fileURLToPath(new URL("../demo/main.tsx", import.meta.url));

/**
 * The demo app's browser bundle (React, `billhook/react` and the demo page). Running from source
 * (`npm start`, tsx) it is built now, in memory, so it always matches the widgets' code; an installed
 * package uses the bundle built at `npm run build`.
 */
export async function loadDemoBundle(): Promise<string> {
  const fromSource = import.meta.url.endsWith(".ts");
  if (!fromSource && existsSync(prebuiltPath)) return readFile(prebuiltPath, "utf8");
  if (!existsSync(sourceEntry)) {
    throw new Error(`The demo bundle is missing (${prebuiltPath}); run npm run build.`);
  }
  return buildDemoBundle();
}

/**
 * Bundles `src/demo/main.tsx` into one ES module with esbuild (a development dependency): well under a
 * second, so `billhook dev` can do it at every start.
 */
export async function buildDemoBundle(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [sourceEntry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error("esbuild produced no demo bundle.");
  return code;
}

/** `tsx src/node/demo-bundle.ts [outDir]`: writes the prebuilt bundle (run by `npm run build`). */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDirectory = process.argv[2] ?? join(process.cwd(), "dist", "demo-app");
  const code = await buildDemoBundle();
  await mkdir(outDirectory, { recursive: true });
  await writeFile(join(outDirectory, "demo.js"), code);
  console.log(`demo bundle: ${join(outDirectory, "demo.js")} (${Math.round(code.length / 1024)} KiB)`);
}
