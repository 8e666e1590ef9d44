import type { MiddlewareHandler } from "hono";
import type { StripeEnv } from "./stripe-app-types.js";
import { StripeApiError } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Stripe prunes keys after at least 24 hours (facts §4). */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
const KEY_LENGTH_MAX = 255;
/** Answers that mean "the endpoint never started": not saved, so the same key may be retried. */
const UNSAVED_STATUSES = new Set([400, 401, 404, 409, 429]);

function idempotencyError(status: number, message: string): StripeApiError {
  return new StripeApiError(status, { type: "idempotency_error", message });
}

function pruneExpired(runtime: StripeEmulatorRuntime): void {
  const oldest = runtime.nowSeconds() - IDEMPOTENCY_KEY_TTL_SECONDS;
  for (const record of runtime.store.idempotency.all())
    if (record.created < oldest) runtime.store.idempotency.delete(record.id);
}

/**
 * Stores the first answer for each `Idempotency-Key` on a POST and replays it for the same parameters;
 * different parameters → 400 `idempotency_error`; the same key while the first is running → 409.
 * Card declines (402) and 500s are saved like successes, as Stripe does once the endpoint started.
 */
export function idempotency(runtime: StripeEmulatorRuntime): MiddlewareHandler<StripeEnv> {
  const inFlight = new Set<string>();
  return async (context, next) => {
    const key = context.req.header("idempotency-key");
    if (context.req.method !== "POST" || !key) return next();
    if (key.length > KEY_LENGTH_MAX)
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        message: `Idempotency-Key must be at most ${KEY_LENGTH_MAX} characters.`,
      });
    pruneExpired(runtime);
    const fingerprint = `${context.req.method} ${context.req.path}\n${await context.req.text()}`;
    const saved = runtime.store.idempotency.get(key);
    if (saved) {
      if (saved.fingerprint !== fingerprint)
        throw idempotencyError(
          400,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      context.header("Idempotent-Replayed", "true");
      context.header("Original-Request", saved.id);
      return context.body(saved.body, saved.status as 200, { "content-type": "application/json" });
    }
    if (inFlight.has(key))
      throw idempotencyError(
        409,
        "There is currently another in-progress request using this Stripe-Idempotency-Key.",
      );
    inFlight.add(key);
    try {
      await next();
    } finally {
      inFlight.delete(key);
    }
    if (UNSAVED_STATUSES.has(context.res.status)) return;
    const body = await context.res.clone().text();
    runtime.store.idempotency.put({
      id: key,
      method: context.req.method,
      path: context.req.path,
      fingerprint,
      status: context.res.status,
      body,
      created: runtime.nowSeconds(),
    });
  };
}
