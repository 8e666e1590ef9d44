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
 * A secret key needs `scope`; a customer token passes only when **every** customer id the request
 * carries is its own: the path, each `customerId` in the query (repeated ones too), and every
 * `customerId` (or `…CustomerId`, `customer_id`) anywhere in a JSON body, however deeply nested. A
 * handler may read any of those sources, so checking one of them let a token act for another
 * customer. A request naming no customer at all is refused too: there is nothing to hold it to.
 * Refusal is 403 FORBIDDEN before the route validates or writes anything; customer ids are the
 * app's own user ids, not secrets, so hiding them behind a 404 would buy nothing.
 */
export function requireScopeOrOwnCustomer(scope: ApiKeyScope) {
  const scopeCheck = requireScope(scope);
  return createMiddleware<HttpEnv>(async (c, next) => {
    const token = c.get("customerToken");
    if (!token) return scopeCheck(c, next);
    const named = await customersNamedBy(c);
    if (named.length === 0) {
      throw new BillhookError(
        "FORBIDDEN",
        "A customer token may only act for a request that names its customer.",
      );
    }
    if (named.some((customerId) => customerId !== token.customerId)) {
      throw new BillhookError("FORBIDDEN", "This customer token is for another customer.");
    }
    await next();
  });
}

/** A key that names a customer, in a body at any depth: `customerId`, `buyerCustomerId`, `customer_id`. */
const customerKeyPattern = /customer_?id$/i;

/**
 * Every customer id `c`'s request carries, from every place a handler could read one. A value
 * that is not a string (an object under `customerId`, a number) is named as-is, so it can never
 * equal the token's customer and the request is refused.
 */
async function customersNamedBy(c: Context<HttpEnv>): Promise<unknown[]> {
  const named: unknown[] = [];
  const fromPath = c.req.param("customerId");
  if (fromPath !== undefined) named.push(fromPath);
  named.push(...(c.req.queries("customerId") ?? []));
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    // Hono caches the body, so the route's validator reads it again at no cost. A body that is not
    // JSON names nobody here; the route refuses it (400 or 415) before it could act.
    const text = await c.req.text();
    if (text.length > 0) {
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {}
      collectCustomerIds(body, named);
    }
  }
  return named;
}

function collectCustomerIds(value: unknown, named: unknown[]): void {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectCustomerIds(item, named);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (customerKeyPattern.test(key)) named.push(item);
    collectCustomerIds(item, named);
  }
}
