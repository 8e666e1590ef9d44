import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { BillhookError } from "../../kernel/index.js";
import type { ApiKey } from "../../modules/api-keys/index.js";
import type { HttpEnv } from "../http-env.js";
import {
  clearSessionCookie,
  requireSameOrigin,
  requireSameOriginWrite,
  sessionCookieName,
  setSessionCookie,
} from "../middleware/session.js";

const secretLengthMax = 200;

/**
 * Dashboard sign-in and sign-out. A browser concern rather than part of the public API, so these live
 * beside the dashboard, outside `/v1` and the OpenAPI document.
 */
export const sessionRoutes = new Hono<HttpEnv>()
  .post("/dashboard/api/session", async (c) => {
    // Login CSRF: another site must not sign a victim's browser in (JSON also forces a CORS preflight).
    requireSameOrigin(c);
    if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
      throw new BillhookError("VALIDATION_FAILED", 'Send the key as JSON: { "apiKey": "bh_sk_…" }.', {
        issues: [{ path: "header.content-type", message: "must be application/json" }],
      });
    }
    const body: unknown = await c.req.json();
    const secret =
      typeof body === "object" && body !== null ? (body as { apiKey?: unknown }).apiKey : undefined;
    if (typeof secret !== "string" || secret.length === 0 || secret.length > secretLengthMax) {
      throw new BillhookError("VALIDATION_FAILED", "An API key is required.", {
        issues: [{ path: "body.apiKey", message: "required" }],
      });
    }
    const session = await c.get("billhook").sessions.signIn(secret);
    setSessionCookie(c, session.token);
    return c.json(presentSession(session.csrfToken, session.apiKey, session.expiresAtMs), 200);
  })
  .get("/dashboard/api/session", async (c) => {
    const token = getCookie(c, sessionCookieName);
    const resolved = token === undefined ? null : await c.get("billhook").sessions.resolve(token);
    if (!resolved) throw new BillhookError("UNAUTHORIZED", "Not signed in.");
    c.header("cache-control", "no-store");
    return c.json(
      presentSession(resolved.session.csrfToken, resolved.apiKey, resolved.session.expiresAtMs),
      200,
    );
  })
  .delete("/dashboard/api/session", async (c) => {
    const token = getCookie(c, sessionCookieName);
    const resolved = token === undefined ? null : await c.get("billhook").sessions.resolve(token);
    // A session that already ended needs no protection; a live one is only ended by its own page.
    if (token !== undefined && resolved) {
      requireSameOriginWrite(c, resolved);
      await c.get("billhook").sessions.signOut(token);
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });

function presentSession(csrfToken: string, apiKey: ApiKey, expiresAtMs: number) {
  return {
    csrfToken,
    apiKey: { prefix: apiKey.prefix, name: apiKey.name, scope: apiKey.scope },
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}
