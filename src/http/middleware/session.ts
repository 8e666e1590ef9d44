import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { BillhookError } from "../../kernel/index.js";
import type { ApiKey } from "../../modules/api-keys/index.js";
import { type ResolvedSession, sessionLimits } from "../../modules/sessions/index.js";
import type { HttpEnv } from "../http-env.js";

/** The dashboard's session cookie: HttpOnly, SameSite=Strict, Secure over https. */
export const sessionCookieName = "bh_session";
/** Carries the session's CSRF token on every state-changing request made with the cookie. */
export const csrfHeaderName = "x-billhook-csrf";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves a session cookie to the key it acts as. Reads need only the cookie; writes also need the
 * session's CSRF token in a header and, when the browser names one, an Origin of this very host —
 * a cross-site page can make the browser send the cookie, but can neither read the token nor forge
 * the Origin.
 */
export async function authenticateSession(c: Context<HttpEnv>, token: string): Promise<ApiKey> {
  const resolved = await c.get("billhook").sessions.resolve(token);
  if (!resolved) {
    throw new BillhookError(
      "UNAUTHORIZED",
      "The dashboard session has ended or is not valid; sign in again.",
    );
  }
  if (!safeMethods.has(c.req.method)) requireSameOriginWrite(c, resolved);
  return resolved.apiKey;
}

/** Writes with a cookie: same origin, and the session's CSRF token in the header. */
export function requireSameOriginWrite(c: Context<HttpEnv>, resolved: ResolvedSession): void {
  requireSameOrigin(c);
  if (!c.get("billhook").sessions.csrfMatches(resolved.session, c.req.header(csrfHeaderName))) {
    throw new BillhookError(
      "FORBIDDEN",
      `A state-changing request with a session cookie needs the ${csrfHeaderName} header.`,
      {
        reason: "CSRF_TOKEN_INVALID",
      },
    );
  }
}

/** Refuses a request whose Origin (when sent) is another site than the one it was sent to. */
export function requireSameOrigin(c: Context<HttpEnv>): void {
  const origin = c.req.header("origin");
  if (origin === undefined) return;
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? new URL(c.req.url).host;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost !== host) {
    throw new BillhookError("FORBIDDEN", "The request comes from another origin.", {
      reason: "CROSS_ORIGIN",
    });
  }
}

/** Whether the browser reached us over https (directly or through a proxy), or we run in production. */
function secureTransport(c: Context<HttpEnv>): boolean {
  return (
    new URL(c.req.url).protocol === "https:" ||
    c.req.header("x-forwarded-proto") === "https" ||
    c.get("billhook").config.production
  );
}

export function setSessionCookie(c: Context<HttpEnv>, token: string): void {
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: secureTransport(c),
    path: "/",
    maxAge: Math.floor(sessionLimits.lifetimeMs / 1000),
  });
}

export function clearSessionCookie(c: Context<HttpEnv>): void {
  deleteCookie(c, sessionCookieName, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: secureTransport(c),
  });
}
