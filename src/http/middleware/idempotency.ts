import { createMiddleware } from "hono/factory";
import { BillhookError, sha256Hex } from "../../kernel/index.js";
import { idempotencyKeyPattern, type StoredResponse } from "../../modules/idempotency/index.js";
import type { HttpEnv } from "../http-env.js";

const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Response headers worth replaying; the rest (dates, request ids) describe the original delivery. */
const replayedHeaders = ["content-type", "location"];

/**
 * Makes any write carrying `Idempotency-Key` exactly-once per API key: the first request runs and
 * its response is stored; a retry with the same request gets that response back with
 * `Idempotency-Replayed: true`. Responses with a 5xx status are not stored, so the client may retry.
 * A retry while the first is running gets 409 — until the first one's instance is found dead (see
 * `Idempotency.begin`), after which the retry runs. If that happened while this instance was in fact
 * alive (a long stall), its response is not stored over the new owner's, and its client is told to
 * retry (409), which then replays the stored answer: one key, one answer.
 */
export const idempotency = createMiddleware<HttpEnv>(async (c, next) => {
  if (!writeMethods.has(c.req.method)) return next();
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (!idempotencyKeyPattern.test(key)) {
    throw new BillhookError(
      "VALIDATION_FAILED",
      "Idempotency-Key must be 1 to 255 visible ASCII characters.",
      {
        issues: [{ path: "header.idempotency-key", message: "invalid" }],
      },
    );
  }
  const customerToken = c.get("customerToken");
  const principalId = customerToken ? `customer:${customerToken.customerId}` : c.get("apiKey").id;
  const url = new URL(c.req.url);
  const requestHash = sha256Hex(`${c.req.method} ${url.pathname}${url.search}\n${await c.req.text()}`);
  const { idempotency: service } = c.get("billhook");

  const decision = await service.begin(principalId, key, requestHash);
  if (decision.kind === "replay") {
    const headers = new Headers(decision.response.headers);
    headers.set("idempotency-replayed", "true");
    c.res = new Response(decision.response.body, { status: decision.response.status, headers });
    return;
  }

  let response: StoredResponse;
  try {
    await next();
    if (c.res.status >= 500) {
      await service.abandon(principalId, key, decision.claimId);
      return;
    }
    response = await storable(c.res);
  } catch (error) {
    await service.abandon(principalId, key, decision.claimId);
    throw error;
  }
  const outcome = await service.complete(principalId, key, decision.claimId, response);
  if (outcome === "fenced") {
    throw new BillhookError(
      "IDEMPOTENCY_IN_FLIGHT",
      "This request's claim on its Idempotency-Key was taken over by a retry; retry to get its answer.",
      { idempotencyKey: key },
    );
  }
});

async function storable(res: Response): Promise<StoredResponse> {
  const body = await res.clone().text();
  const headers: Record<string, string> = {};
  for (const name of replayedHeaders) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: res.status, headers, body };
}
