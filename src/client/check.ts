import type { CheckRequest, CheckResult } from "./contract.js";
import { BillhookApiError, BillhookUnavailableError } from "./errors.js";
import { type CallOptions, send, type Transport } from "./transport.js";

/** What `check` answers when Billhook cannot: let the user through, or not (the default). */
export type FailurePolicy = "failOpen" | "failClosed";

/** The answer Billhook gave. */
export type CheckAnswer = CheckResult & { source: "billhook" };

/** The answer the failure policy gave because Billhook could not; `reason` says why. */
export interface CheckFallback {
  source: "fail-open" | "fail-closed";
  allowed: boolean;
  code: "BILLHOOK_UNAVAILABLE";
  feature: string;
  customerId: string;
  grantedBy: null;
  activeUntil: null;
  upgradeProduct: null;
  upgradeUrl: null;
  units?: number;
  reason: BillhookUnavailableError | BillhookApiError;
}

export type CheckOutcome = CheckAnswer | CheckFallback;

export interface CheckOptions extends Omit<CallOptions, "idempotencyKey"> {
  failurePolicy?: FailurePolicy;
}

/**
 * Asks whether the customer may use the feature; when Billhook is unreachable, times out or fails
 * (5xx), answers per the failure policy instead of throwing. Client errors (4xx) still throw.
 */
export async function checkWithPolicy(
  transport: Transport,
  input: CheckRequest,
  policy: FailurePolicy,
  options: CallOptions,
): Promise<CheckOutcome> {
  try {
    const result = await send<CheckResult>(
      transport,
      { method: "GET", path: "/v1/entitlements/check", query: { ...input } },
      options,
    );
    return { ...result, source: "billhook" };
  } catch (error) {
    const unavailable =
      error instanceof BillhookUnavailableError || (error instanceof BillhookApiError && error.status >= 500);
    if (!unavailable) throw error;
    return {
      source: policy === "failOpen" ? "fail-open" : "fail-closed",
      allowed: policy === "failOpen",
      code: "BILLHOOK_UNAVAILABLE",
      feature: input.feature,
      customerId: input.customerId,
      grantedBy: null,
      activeUntil: null,
      upgradeProduct: null,
      upgradeUrl: null,
      ...(input.units === undefined ? {} : { units: input.units }),
      reason: error,
    };
  }
}
