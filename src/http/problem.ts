import { BillhookError, type ErrorCode } from "../kernel/index.js";

/** The one table from business error codes to HTTP statuses. */
export const statusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  MALFORMED_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNBALANCED_TRANSACTION: 422,
  CURRENCY_MISMATCH: 422,
  TRANSACTION_CONFLICT: 409,
  INSUFFICIENT_BALANCE: 402,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_FLIGHT: 409,
  CONFIG_INVALID: 500,
  STORAGE_UNAVAILABLE: 503,
  PROVIDER_UNAVAILABLE: 502,
  PROVIDER_NOT_CONFIGURED: 503,
  WEBHOOK_SIGNATURE_INVALID: 401,
  UNKNOWN_PRODUCT: 404,
  UNKNOWN_FEATURE: 404,
  ALREADY_ENTITLED: 409,
  AMOUNT_OUT_OF_RANGE: 422,
  CATALOG_NOT_PUSHED: 409,
  UNSUPPORTED_BY_PROVIDER: 409,
  INSUFFICIENT_CREDITS: 402,
  UNKNOWN_CREDIT_TYPE: 404,
  HOLD_NOT_ACTIVE: 409,
  COMMIT_EXCEEDS_HOLD: 422,
  QUOTA_EXCEEDED: 402,
  UNKNOWN_METER: 404,
  SELLER_NOT_READY: 409,
  TIER_NOT_AVAILABLE: 409,
  CHARGE_DISPUTED: 409,
  HANDLE_TAKEN: 409,
  WEBHOOK_URL_REFUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export const problemContentType = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  [extension: string]: unknown;
}

/** Renders an error as RFC 9457 problem details; unknown errors never leak their message. */
export function toProblem(error: unknown, requestId?: string): Problem {
  const known =
    error instanceof BillhookError ? error : new BillhookError("INTERNAL", "An unexpected error occurred.");
  const status = statusByCode[known.code];
  return {
    ...known.details,
    type: `urn:billhook:problem:${known.code.toLowerCase().replaceAll("_", "-")}`,
    title: titleOf(known.code),
    status,
    detail: known.message,
    code: known.code,
    ...(requestId ? { instance: `urn:billhook:request:${requestId}` } : {}),
  };
}

export function problemResponse(error: unknown, requestId?: string, headers: HeadersInit = {}): Response {
  const problem = toProblem(error, requestId);
  const responseHeaders = new Headers(headers);
  responseHeaders.set("content-type", problemContentType);
  return new Response(JSON.stringify(problem), { status: problem.status, headers: responseHeaders });
}

function titleOf(code: ErrorCode): string {
  const words = code.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
