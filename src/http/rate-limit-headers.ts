import { BillhookError } from "../kernel/index.js";
import type { RateLimitedCheckResult, RateLimitOutcome } from "../modules/entitlements/index.js";

/**
 * The IETF draft's separate fields (draft-ietf-httpapi-ratelimit-headers-06, as most gateways send
 * them): `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) for the most
 * constraining window, `RateLimit-Policy` listing every window (`60;w=60, 1000;w=86400`), and
 * `Retry-After` (seconds) on a refusal.
 */
export function rateLimitHeaders(status: RateLimitOutcome): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Policy": status.policy.map((window) => `${window.limit};w=${window.windowSeconds}`).join(", "),
    "RateLimit-Limit": String(status.limit),
    "RateLimit-Remaining": String(status.remaining),
    "RateLimit-Reset": String(status.resetSeconds),
  };
  if (status.retryAfterSeconds !== null) headers["Retry-After"] = String(status.retryAfterSeconds);
  return headers;
}

/** 429 RATE_LIMITED as a problem that carries its headers; the app's error handler sends them. */
export class RateLimitedError extends BillhookError {
  readonly headers: Record<string, string>;

  constructor(result: RateLimitedCheckResult) {
    super(
      "RATE_LIMITED",
      `Too many requests for "${result.feature}"; retry in ${result.retryAfterSeconds} s.`,
      {
        feature: result.feature,
        customerId: result.customerId,
        retryAfterSeconds: result.retryAfterSeconds,
        limit: result.rateLimit.limit,
        remaining: result.rateLimit.remaining,
        windowSeconds: result.rateLimit.windowSeconds,
      },
    );
    this.name = "RateLimitedError";
    this.headers = rateLimitHeaders(result.rateLimit);
  }
}
