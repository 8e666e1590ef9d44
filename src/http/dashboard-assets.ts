import { Hono } from "hono";
import type { HttpEnv } from "./http-env.js";

/**
 * Where the built dashboard (Vite's output) comes from. On Node it is read from disk
 * (`src/node/dashboard-files.ts`); another runtime can serve it from its own asset store.
 */
export interface DashboardAssets {
  /** The file at this path relative to the build's root (`index.html`, `assets/index-3f9a.js`), or null. */
  read(path: string): Promise<Uint8Array | null>;
  /** Where the files are expected, for the message shown when they are missing. */
  readonly location: string;
}

const contentTypes: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  woff2: "font/woff2",
  map: "application/json",
};

/** Vite names every file under `assets/` by its content hash: it can be cached for ever. */
const immutableCache = "public, max-age=31536000, immutable";
/** The page itself must be revalidated so a new build is picked up at once. */
const revalidate = "no-cache";

const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/**
 * Serves the admin dashboard under `/dashboard/`: hashed assets with long-lived caching, and any other
 * path (a page of the single-page app) answered with `index.html`, so deep links and reloads work.
 */
export function dashboardRoutes(assets: DashboardAssets | null): Hono<HttpEnv> {
  return new Hono<HttpEnv>()
    .get("/dashboard", (c) => c.redirect("/dashboard/", 308))
    .get("/dashboard/*", async (c) => {
      const path = decodeURIComponent(c.req.path.slice("/dashboard/".length));
      const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
      if (assets && extension && extension !== "html") {
        const file = await assets.read(path);
        if (!file) return c.text("Not found", 404);
        return c.body(file as Uint8Array<ArrayBuffer>, 200, {
          "content-type": contentTypes[extension] ?? "application/octet-stream",
          "cache-control": path.startsWith("assets/") ? immutableCache : "public, max-age=3600",
          "x-content-type-options": "nosniff",
        });
      }
      const page = assets ? await assets.read("index.html") : null;
      if (!page) {
        return c.html(missingAssetsPage(assets?.location ?? null), 503, { "cache-control": "no-store" });
      }
      return c.body(page as Uint8Array<ArrayBuffer>, 200, {
        "content-type": contentTypes.html!,
        "cache-control": revalidate,
        ...securityHeaders,
      });
    });
}

function missingAssetsPage(location: string | null): string {
  const where = location
    ? `They were expected in <code>${escapeHtml(location)}</code>.`
    : "This server was started without a dashboard asset source.";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billhook dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The dashboard has not been built</h1>
<p>${where}</p>
<p>Build it with <code>npm run build:dashboard</code> (it also runs on <code>npm install</code> and <code>npm run build</code>), then reload this page.</p>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
