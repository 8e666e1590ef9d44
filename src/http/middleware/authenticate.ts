import { createMiddleware } from "hono/factory";
import { BillhookError } from "../../kernel/index.js";
import { type ApiKeyScope, scopeAllows } from "../../modules/api-keys/index.js";
import type { HttpEnv } from "../http-env.js";

const bearerPattern = /^Bearer ([^\s]+)$/;

/**
 * Requires a valid secret key. Missing, malformed, revoked and unknown keys all get the same 401, so
 * a caller learns nothing about which keys exist.
 */
export const authenticate = createMiddleware<HttpEnv>(async (c, next) => {
  const match = bearerPattern.exec(c.req.header("authorization") ?? "");
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
    if (!scopeAllows(c.get("apiKey").scope, scope)) {
      throw new BillhookError("FORBIDDEN", `This action needs a key with the ${scope} scope.`, {
        requiredScope: scope,
      });
    }
    await next();
  });
}
