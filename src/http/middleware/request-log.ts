import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { HttpEnv } from "../http-env.js";

/** One structured line per request. Only the method, path and outcome: never headers or bodies. */
export const requestLog = createMiddleware<HttpEnv>(async (c, next) => {
  const startedAtMs = performance.now();
  await next();
  logRequest(c, startedAtMs);
});

/** The request's line, once `c.res` holds what it was answered. */
export function logRequest(c: Context<HttpEnv>, startedAtMs: number): void {
  const durationMs = Math.round((performance.now() - startedAtMs) * 100) / 100;
  const fields = {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs,
    ...(c.get("apiKey") ? { apiKeyId: c.get("apiKey").id } : {}),
  };
  if (c.res.status >= 500) c.get("billhook").logger.error(fields, "request failed");
  else c.get("billhook").logger.info(fields, "request");
}
