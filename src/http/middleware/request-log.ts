import { createMiddleware } from "hono/factory";
import type { HttpEnv } from "../http-env.js";

/** One structured line per request. Only the method, path and outcome: never headers or bodies. */
export const requestLog = createMiddleware<HttpEnv>(async (c, next) => {
  const startedAt = performance.now();
  await next();
  const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
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
});
