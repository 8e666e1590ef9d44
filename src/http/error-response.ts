import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Billhook } from "../engine.js";
import { BillhookError } from "../kernel/index.js";
import type { HttpEnv } from "./http-env.js";
import { problemResponse } from "./problem.js";

/**
 * What the app answers for an error thrown while handling a request: a typed problem, with the
 * error's own headers and those the middleware had set. Anything unexpected is logged and answered
 * as a bare 500.
 */
export function errorResponse(billhook: Billhook, error: unknown, c: Context<HttpEnv>): Response {
  const mapped = fromFrameworkError(error);
  if (!(mapped instanceof BillhookError)) {
    billhook.logger.error(
      { requestId: c.get("requestId"), error: error instanceof Error ? error.stack : String(error) },
      "unhandled error",
    );
  }
  return withChainHeaders(c, problemResponse(mapped, c.get("requestId"), errorHeaders(mapped)));
}

/**
 * `response` with what the middleware had set before it (X-Request-Id, Vary, a browser's CORS
 * headers). Hono leaves those out of an error or not-found handler's answer, which would also leave
 * a browser unable to read the problem.
 */
export function withChainHeaders(c: Context<HttpEnv>, response: Response): Response {
  c.res.headers.forEach((value, name) => {
    if (name !== "content-type" && !response.headers.has(name)) response.headers.set(name, value);
  });
  return response;
}

/** An error's own response headers (429's Retry-After and RateLimit-*). */
function errorHeaders(error: unknown): Record<string, string> {
  return (error as { headers?: Record<string, string> } | null)?.headers ?? {};
}

/**
 * Hono's own errors become typed problems like ours: an unparseable body, and a body whose
 * Content-Type is not the JSON the route declares (zod-openapi's media-type gate throws 415).
 */
function fromFrameworkError(error: unknown): unknown {
  if (error instanceof SyntaxError || (error instanceof HTTPException && error.status === 400)) {
    return new BillhookError("MALFORMED_REQUEST", "The request body is not valid JSON.");
  }
  if (error instanceof HTTPException && error.status === 415) {
    return new BillhookError(
      "UNSUPPORTED_MEDIA_TYPE",
      "This operation takes a JSON body: send it with Content-Type: application/json.",
      { accepted: ["application/json"] },
    );
  }
  return error;
}
