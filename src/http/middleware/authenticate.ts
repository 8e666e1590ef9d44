import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { BillhookError } from "../../kernel/index.js";
import { type ApiKey, type ApiKeyScope, scopeAllows } from "../../modules/api-keys/index.js";
import { CustomerTokens } from "../../modules/customer-tokens/index.js";
import type { HttpEnv } from "../http-env.js";
import { authenticateSession, sessionCookieName } from "./session.js";

const bearerPattern = /^Bearer ([^\s]+)$/;

/**
 * Requires a valid secret key. Missing, malformed, revoked and unknown keys all get the same 401, so
 * a caller learns nothing about which keys exist. A dashboard session cookie counts as its key.
 */
export const authenticate = createMiddleware<HttpEnv>(async (c, next) => {
  // The dashboard: no Authorization header, but a session cookie standing in for an admin key.
  const sessionToken =
    c.req.header("authorization") === undefined ? getCookie(c, sessionCookieName) : undefined;
  if (sessionToken !== undefined) {
    c.set("apiKey", await authenticateSession(c, sessionToken));
    return next();
  }
  const match = bearerPattern.exec(c.req.header("authorization") ?? "");
  if (match && CustomerTokens.recognises(match[1]!)) {
    // A browser's customer token: no API key is set, so only customerAccessible routes let it through.
    c.set("customerToken", await c.get("billhook").customerTokens.verify(match[1]!));
    return next();
  }
  const apiKey = match ? await c.get("billhook").apiKeys.authenticate(match[1]!) : null;
  if (!apiKey) {
    throw new BillhookError("UNAUTHORIZED", "A valid API key is required (Authorization: Bearer bh_sk_…).");
  }
  c.set("apiKey", apiKey);
  await next();
});

/** Refuses keys whose scope does not cover the route (403: the key is valid, the action is not). */
export function requireScope(scope: ApiKeyScope) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    const apiKey = c.get("apiKey") as ApiKey | undefined;
    if (!apiKey || !scopeAllows(apiKey.scope, scope)) {
      throw new BillhookError("FORBIDDEN", `This action needs a key with the ${scope} scope.`, {
        requiredScope: scope,
      });
    }
    await next();
  });
}

/**
 * A secret key needs `scope`; a customer token passes only when the request names its own customer
 * (`customerId` in the path, the query or the JSON body). Another customer is 403 FORBIDDEN: customer
 * ids are the app's own user ids, not secrets, so hiding them behind a 404 would buy nothing.
 */
export function requireScopeOrOwnCustomer(scope: ApiKeyScope) {
  const scopeCheck = requireScope(scope);
  return createMiddleware<HttpEnv>(async (c, next) => {
    const token = c.get("customerToken");
    if (!token) return scopeCheck(c, next);
    if ((await requestedCustomer(c)) !== token.customerId) {
      throw new BillhookError("FORBIDDEN", "This customer token is for another customer.");
    }
    await next();
  });
}

async function requestedCustomer(c: Context<HttpEnv>): Promise<string | undefined> {
  const fromPathOrQuery = c.req.param("customerId") ?? c.req.query("customerId");
  if (fromPathOrQuery !== undefined) return fromPathOrQuery;
  if (c.req.method === "GET" || c.req.method === "HEAD") return undefined;
  // Hono caches the parsed body, so the route's validator reads it again at no cost.
  const body: unknown = await c.req.json().catch(() => null);
  const customerId = (body as { customerId?: unknown } | null)?.customerId;
  return typeof customerId === "string" ? customerId : undefined;
}
