import type { Context, MiddlewareHandler } from "hono";
import { tryDecode } from "hono/utils/url";
import type { Billhook } from "../engine.js";
import { scopeAllows } from "../modules/api-keys/index.js";
import { errorResponse } from "./error-response.js";
import type { HttpEnv } from "./http-env.js";
import { logRequest } from "./middleware/request-log.js";
import { isSafeText } from "./middleware/text-input.js";
import { requestHeader } from "./request-io.js";
import { answerCheck, checkQuerySchema } from "./routes/entitlement-routes.js";

export const checkPath = "/v1/entitlements/check";
const secretKeyBearer = /^Bearer (bh_sk_[^\s]+)$/;
const requestIdPattern = /^[\w\-=]{1,255}$/;

/**
 * `GET /v1/entitlements/check` from a server holding a secret key, answered ahead of the general
 * middleware chain: the call apps make before every gated action, so its cost is the product's.
 * It does what that chain and the route would do for such a request (request id, `Vary: Origin`,
 * authentication and scope, the route's own query schema, the same errors through the app's error
 * handler, one log line) in one step, and builds the response with plain headers.
 *
 * Whatever it does not cover goes on down the general path untouched, before anything has been
 * counted: a browser (`Origin`), a customer token or a dashboard session, another method, and a key
 * or query that does not pass (which the general path then refuses with its usual problem).
 * `lean-check.test.ts` holds it to the general path's answers, request by request.
 */
export function leanCheck(billhook: Billhook): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const startedAtMs = performance.now();
    if (c.req.method !== "GET" || requestHeader(c, "origin") !== undefined) return next();
    const bearer = secretKeyBearer.exec(requestHeader(c, "authorization") ?? "");
    if (!bearer) return next();
    const apiKey = await billhook.apiKeys.authenticate(bearer[1]!);
    if (!apiKey || !scopeAllows(apiKey.scope, "server")) return next();
    const query = checkQuerySchema.safeParse(queryOf(c.req.url));
    if (!query.success) return next();
    // A NUL can only arrive percent-encoded; the general path's text rule refuses it.
    if (c.req.url.includes("%") && !queryTextIsSafe(query.data)) return next();

    const requestId = requestIdOf(c);
    c.set("requestId", requestId);
    c.set("billhook", billhook);
    c.set("apiKey", apiKey);
    try {
      const answer = await answerCheck(billhook, query.data);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-request-id": requestId,
        vary: "Origin",
        ...answer.headers,
      };
      c.res = new Response(JSON.stringify(answer.body), { status: 200, headers });
    } catch (error) {
      // Answered as the app's error handler answers the route, with the headers the chain sets.
      c.header("X-Request-Id", requestId);
      c.header("Vary", "Origin");
      c.res = errorResponse(billhook, error, c);
    }
    logRequest(c, startedAtMs);
  };
}

/**
 * The query as Hono's validator hands it to the route's schema (a repeated name becomes a list),
 * parsed in one pass the way Hono's `getQueryParams` parses it: `+` is a space, names and values are
 * percent-decoded with the same fallback for malformed escapes, empty names are skipped.
 */
function queryOf(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  const hashIndex = url.indexOf("#", 8);
  const end = hashIndex === -1 ? url.length : hashIndex;
  const encoded = /[%+]/.test(url);
  let keyIndex = url.indexOf("?", 8);
  if (keyIndex >= end) return query;
  while (keyIndex !== -1) {
    let nextKeyIndex = url.indexOf("&", keyIndex + 1);
    if (nextKeyIndex >= end) nextKeyIndex = -1;
    const segmentEnd = nextKeyIndex === -1 ? end : nextKeyIndex;
    let valueIndex = url.indexOf("=", keyIndex);
    if (valueIndex >= segmentEnd) valueIndex = -1;
    let name = url.slice(keyIndex + 1, valueIndex === -1 ? segmentEnd : valueIndex);
    if (encoded) name = decodeQueryPart(name);
    keyIndex = nextKeyIndex;
    if (name === "") continue;
    let value = valueIndex === -1 ? "" : url.slice(valueIndex + 1, segmentEnd);
    if (encoded && valueIndex !== -1) value = decodeQueryPart(value);
    const seen = query[name];
    if (seen === undefined) query[name] = value;
    else if (typeof seen === "string") query[name] = [seen, value];
    else seen.push(value);
  }
  return query;
}

function queryTextIsSafe(query: Record<string, unknown>): boolean {
  return Object.values(query).every((value) => typeof value !== "string" || isSafeText(value));
}

function decodeQueryPart(part: string): string {
  const spaced = part.indexOf("+") === -1 ? part : part.replace(/\+/g, " ");
  return spaced.indexOf("%") === -1 ? spaced : tryDecode(spaced, decodeURIComponent);
}

function requestIdOf(c: Context<HttpEnv>): string {
  const given = requestHeader(c, "x-request-id");
  return given !== undefined && requestIdPattern.test(given) ? given : crypto.randomUUID();
}
