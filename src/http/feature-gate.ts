import type { Billhook } from "../engine.js";
import { BillhookError } from "../kernel/index.js";
import { problemContentType, problemResponse } from "./problem.js";
import { rateLimitHeaders } from "./rate-limit-headers.js";

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
  RATE_LIMITED: { status: 429, title: "Rate limited", detail: "Too many requests for" },
} as const;

/**
 * The one rule every framework helper applies (Hono `requireFeature`, Express, Next.js): null when the
 * customer may use `feature` (for `units`), else the problem+json Response to answer with — 401 without
 * a customer, 403 `SUBSCRIPTION_REQUIRED` with the upgrade hint, 402 where paying or waiting fixes it,
 * 429 `RATE_LIMITED` with `Retry-After` when the feature's request rate is used up.
 *
 * @example
 * const denied = await gateFeature(billhook, { customerId: "u1", feature: "export" });
 * if (denied) return denied;
 */
export async function gateFeature(
  billhook: Billhook,
  input: { customerId: string | undefined; feature: string; units?: number | undefined },
): Promise<Response | null> {
  return (await checkFeatureGate(billhook, input)).denied;
}

/**
 * `gateFeature` with the `RateLimit-*` headers a rate-limited feature's allowed answer should carry
 * (a refusal's Response has them already, with `Retry-After` on a 429).
 */
export async function checkFeatureGate(
  billhook: Billhook,
  input: { customerId: string | undefined; feature: string; units?: number | undefined },
): Promise<{ denied: Response | null; headers: Record<string, string> }> {
  const { customerId, feature, units } = input;
  if (!customerId) {
    return {
      denied: problemResponse(new BillhookError("UNAUTHORIZED", "No signed-in customer.")),
      headers: {},
    };
  }
  const result = await billhook.entitlements.checkUnits({ customerId, feature, ...(units ? { units } : {}) });
  const limitHeaders = "rateLimit" in result && result.rateLimit ? rateLimitHeaders(result.rateLimit) : {};
  if (result.allowed) return { denied: null, headers: limitHeaders };
  const denial = denials[result.code as keyof typeof denials] ?? denials.SUBSCRIPTION_REQUIRED;
  const denied = new Response(
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
      ...("retryAfterSeconds" in result ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
    }),
    { status: denial.status, headers: { ...limitHeaders, "content-type": problemContentType } },
  );
  return { denied, headers: limitHeaders };
}

export interface MeterInput {
  customerId: string | undefined;
  event: string;
  value?: number | undefined;
  /** The event's idempotency key: a request id makes a retried request count once. */
  idempotencyKey: string;
  properties?: Record<string, string | number | boolean | null> | undefined;
}

/**
 * Records one usage event after a successful response; what every `meter` helper calls. A failure is
 * logged, never thrown: the response has already succeeded.
 */
export async function meterUsage(billhook: Billhook, input: MeterInput): Promise<void> {
  if (!input.customerId) return;
  try {
    await billhook.usage.ingest([
      {
        customerId: input.customerId,
        event: input.event,
        idempotencyKey: input.idempotencyKey,
        ...(input.value !== undefined ? { value: input.value } : {}),
        ...(input.properties ? { properties: input.properties } : {}),
      },
    ]);
  } catch (error) {
    billhook.logger.error(
      { event: input.event, error: error instanceof Error ? error.message : String(error) },
      "metering a request failed",
    );
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
