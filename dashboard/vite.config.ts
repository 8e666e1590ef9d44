import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The admin dashboard: a single-page React app built into `dist/dashboard`, which the server serves
 * at `/dashboard/` (`src/http/dashboard-assets.ts`). `npm run dev:dashboard` proxies the API to a
 * running `billhook dev` on port 8787.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/dashboard/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    // A strict Content-Security-Policy (script-src 'self') forbids inline scripts and data: modules.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // React itself is most of the bundle; one ~250 kB file is fine for an admin tool.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8787", "/dashboard/api": "http://127.0.0.1:8787" },
  },
});
