import type { Billhook } from "../engine.js";
import { gateFeature, isSuccess, meterUsage } from "./feature-gate.js";

/** A Next.js App Router route handler (`export const GET = …` in `app/.../route.ts`): Web Request in, Response out. */
export type RouteHandler<Context = unknown> = (
  request: Request,
  context: Context,
) => Response | Promise<Response>;

/**
 * Wraps a Next.js route handler so it runs only when the customer may use `feature`; otherwise it
 * answers the same problem+json as the Hono and Express helpers.
 *
 * @example
 * export const GET = withFeature(billhook, "export", { customerId: (req) => req.headers.get("x-user-id") ?? undefined },
 *   async () => Response.json({ ok: true }));
 */
export function withFeature<Context>(
  billhook: Billhook,
  feature: string,
  options: {
    customerId: (request: Request) => string | undefined | Promise<string | undefined>;
    units?: (request: Request) => number | undefined;
  },
  handler: RouteHandler<Context>,
): RouteHandler<Context> {
  return async (request, context) => {
    const denied = await gateFeature(billhook, {
      customerId: await options.customerId(request),
      feature,
      units: options.units?.(request),
    });
    return denied ?? handler(request, context);
  };
}

/**
 * Wraps a Next.js route handler so one usage `event` is recorded when it answers 2xx. The idempotency
 * key defaults to the request's `Idempotency-Key` or `X-Request-Id` header.
 *
 * @example
 * export const POST = withMeter(billhook, "api.request", { customerId: (req) => req.headers.get("x-user-id") ?? undefined }, handler);
 */
export function withMeter<Context>(
  billhook: Billhook,
  event: string,
  options: {
    customerId: (request: Request) => string | undefined | Promise<string | undefined>;
    value?: (request: Request) => number | undefined;
    idempotencyKey?: (request: Request) => string | undefined;
  },
  handler: RouteHandler<Context>,
): RouteHandler<Context> {
  return async (request, context) => {
    const response = await handler(request, context);
    if (isSuccess(response.status)) {
      await meterUsage(billhook, {
        customerId: await options.customerId(request),
        event,
        value: options.value?.(request),
        idempotencyKey:
          options.idempotencyKey?.(request) ??
          request.headers.get("idempotency-key") ??
          request.headers.get("x-request-id") ??
          crypto.randomUUID(),
      });
    }
    return response;
  };
}
