import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Examples import the package by its public names; inside the repository those are the sources.
  resolve: {
    alias: [
      { find: /^billhook\/client$/, replacement: source("./src/client/index.ts") },
      { find: /^billhook\/node$/, replacement: source("./src/node/index.ts") },
      { find: /^billhook$/, replacement: source("./src/index.ts") },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Storage tests open real databases; a generous timeout avoids flakes on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["./test/global-setup.ts", "./test/dashboard-build.ts"],
    pool: "forks",
  },
});
