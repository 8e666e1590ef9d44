import type { Context, MiddlewareHandler } from "hono";
import type { Billhook } from "../engine.js";
import { BillhookError } from "../kernel/index.js";
import { problemContentType, problemResponse } from "./problem.js";

/** What a denied request gets, by why it was denied. */
const denials = {
  SUBSCRIPTION_REQUIRED: {
    status: 403,
    title: "Subscription required",
    detail: "Your plan does not include",
  },
  PAYMENT_REQUIRED: { status: 402, title: "Payment required", detail: "A payment is overdue for" },
  INSUFFICIENT_CREDITS: { status: 402, title: "Insufficient credits", detail: "Not enough credits for" },
  QUOTA_EXCEEDED: { status: 402, title: "Quota exceeded", detail: "The usage quota is used up for" },
} as const;

/**
 * Hono middleware for apps that embed Billhook: lets the request through only when the customer may use
 * `feature` (for `units`, when it is credit-backed). Otherwise it answers `application/problem+json`:
 * 403 `SUBSCRIPTION_REQUIRED` with the product that would grant it and the upgrade URL, or 402
 * (`PAYMENT_REQUIRED`, `INSUFFICIENT_CREDITS`, `QUOTA_EXCEEDED` with `remaining` and `resetsAt`) where
 * paying (or waiting for the period to reset) would fix it.
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
    const customerId = await options.customerId(c);
    if (!customerId) return problemResponse(new BillhookError("UNAUTHORIZED", "No signed-in customer."));
    const units = options.units?.(c);
    const result = await billhook.entitlements.checkUnits({
      customerId,
      feature,
      ...(units ? { units } : {}),
    });
    if (result.allowed) return next();
    const denial = denials[result.code as keyof typeof denials] ?? denials.SUBSCRIPTION_REQUIRED;
    return new Response(
      JSON.stringify({
        type: `urn:billhook:problem:${result.code.toLowerCase().replaceAll("_", "-")}`,
        title: denial.title,
        status: denial.status,
        detail: `${denial.detail} "${feature}".`,
        code: result.code,
        feature,
        upgradeProduct: result.upgradeProduct,
        upgradeUrl: result.upgradeUrl,
        ...("balance" in result ? { balance: result.balance, units: result.units } : {}),
        ...("resetsAt" in result
          ? {
              used: result.used,
              limit: result.limit,
              remaining: result.remaining,
              resetsAt: result.resetsAt,
              units: result.units,
            }
          : {}),
      }),
      { status: denial.status, headers: { "content-type": problemContentType } },
    );
  };
}
