import type { Context, MiddlewareHandler } from "hono";
import type { Billhook } from "../engine.js";
import { BillhookError } from "../kernel/index.js";
import { problemContentType, problemResponse } from "./problem.js";

/**
 * Hono middleware for apps that embed Billhook: lets the request through only when the customer holds
 * `feature`, otherwise answers 403 `application/problem+json` with `code: "SUBSCRIPTION_REQUIRED"`,
 * the product that would grant it and the upgrade URL.
 *
 * @example
 * app.get("/export", requireFeature(billhook, "export", { customerId: (c) => c.get("userId") }), handler);
 */
export function requireFeature(
  billhook: Billhook,
  feature: string,
  options: { customerId: (c: Context) => string | undefined | Promise<string | undefined> },
): MiddlewareHandler {
  return async (c, next) => {
    const customerId = await options.customerId(c);
    if (!customerId) return problemResponse(new BillhookError("UNAUTHORIZED", "No signed-in customer."));
    const result = await billhook.entitlements.check({ customerId, feature });
    if (result.allowed) return next();
    return new Response(
      JSON.stringify({
        type: "urn:billhook:problem:subscription-required",
        title: "Subscription required",
        status: 403,
        detail: `Your plan does not include "${feature}".`,
        code: result.code,
        feature,
        upgradeProduct: result.upgradeProduct,
        upgradeUrl: result.upgradeUrl,
      }),
      { status: 403, headers: { "content-type": problemContentType } },
    );
  };
}
