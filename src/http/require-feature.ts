import type { Context, MiddlewareHandler } from "hono";
import type { Billhook } from "../engine.js";
import { checkFeatureGate, isSuccess, meterUsage } from "./feature-gate.js";

/**
 * Hono middleware for apps that embed Billhook: lets the request through only when the customer may use
 * `feature` (for `units`, when it is credit-backed). Otherwise it answers `application/problem+json`:
 * 403 `SUBSCRIPTION_REQUIRED` with the product that would grant it and the upgrade URL, or 402
 * (`PAYMENT_REQUIRED`, `INSUFFICIENT_CREDITS`, `QUOTA_EXCEEDED` with `remaining` and `resetsAt`) where
 * paying (or waiting for the period to reset) would fix it, or 429 `RATE_LIMITED` with `Retry-After`
 * and `RateLimit-*` headers when the feature's request rate is used up.
 *
 * @example
 * app.get("/export", requireFeature(billhook, "export", { customerId: (c) => c.get("userId") }), handler);
 */
export function requireFeature(
  billhook: Billhook,
  feature: string,
  options: {
    customerId: (c: Context) => string | undefined | Promise<string | undefined>;
    units?: (c: Context) => number | undefined;
  },
): MiddlewareHandler {
  return async (c, next) => {
    const gate = await checkFeatureGate(billhook, {
      customerId: await options.customerId(c),
      feature,
      units: options.units?.(c),
    });
    if (gate.denied) return gate.denied;
    await next();
    for (const [name, value] of Object.entries(gate.headers)) c.res.headers.set(name, value);
  };
}

/**
 * Hono middleware that records one usage `event` for the customer after the handler answered 2xx
 * (an error or a denial counts nothing). The idempotency key defaults to the request id (Hono's
 * `requestId()` middleware) or the `Idempotency-Key` header, so a retried request counts once.
 *
 * @example
 * app.post("/api/generate", requireFeature(billhook, "api", opts), meter(billhook, "api.request", opts), handler);
 */
export function meter(
  billhook: Billhook,
  event: string,
  options: {
    customerId: (c: Context) => string | undefined | Promise<string | undefined>;
    value?: (c: Context) => number | undefined;
    idempotencyKey?: (c: Context) => string | undefined;
  },
): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!isSuccess(c.res.status)) return;
    const key =
      options.idempotencyKey?.(c) ??
      c.req.header("idempotency-key") ??
      (c.get("requestId" as never) as string | undefined) ??
      crypto.randomUUID();
    await meterUsage(billhook, {
      customerId: await options.customerId(c),
      event,
      value: options.value?.(c),
      idempotencyKey: key,
    });
  };
}
