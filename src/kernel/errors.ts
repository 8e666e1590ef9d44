/**
 * Business errors carry a stable UPPER_SNAKE code; the HTTP edge maps each code to a status in one
 * table (`src/http/problem.ts`). A broken invariant is not a business error: see `assert.ts`.
 */
export type ErrorCode =
  | "VALIDATION_FAILED"
  | "MALFORMED_REQUEST"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "PAYLOAD_TOO_LARGE"
  | "UNBALANCED_TRANSACTION"
  | "CURRENCY_MISMATCH"
  | "TRANSACTION_CONFLICT"
  | "INSUFFICIENT_BALANCE"
  | "IDEMPOTENCY_KEY_REUSED"
  | "IDEMPOTENCY_IN_FLIGHT"
  | "CONFIG_INVALID"
  | "STORAGE_UNAVAILABLE"
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_NOT_CONFIGURED"
  | "WEBHOOK_SIGNATURE_INVALID"
  | "UNKNOWN_PRODUCT"
  | "UNKNOWN_FEATURE"
  | "ALREADY_ENTITLED"
  | "AMOUNT_OUT_OF_RANGE"
  | "CATALOG_NOT_PUSHED"
  | "UNSUPPORTED_BY_PROVIDER"
  | "INSUFFICIENT_CREDITS"
  | "UNKNOWN_CREDIT_TYPE"
  | "HOLD_NOT_ACTIVE"
  | "COMMIT_EXCEEDS_HOLD"
  | "QUOTA_EXCEEDED"
  | "UNKNOWN_METER"
  | "SELLER_NOT_READY"
  | "TIER_NOT_AVAILABLE"
  | "CHARGE_DISPUTED"
  | "HANDLE_TAKEN"
  | "WEBHOOK_URL_REFUSED"
  | "RATE_LIMITED"
  | "INTERNAL";

export interface FieldIssue {
  /** Dotted path to the offending field, e.g. `entries.1.amountMinor`. */
  path: string;
  message: string;
}

export class BillhookError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (balances, ids) that clients may act on. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "BillhookError";
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends BillhookError {
  readonly issues: FieldIssue[];

  constructor(message: string, issues: FieldIssue[]) {
    super("VALIDATION_FAILED", message, { issues });
    this.name = "ValidationError";
    this.issues = issues;
  }
}

export class NotFoundError extends BillhookError {
  constructor(resource: string, id: string) {
    super("NOT_FOUND", `${resource} ${id} does not exist.`, { resource, id });
    this.name = "NotFoundError";
  }
}

export function isBillhookError(error: unknown): error is BillhookError {
  return error instanceof BillhookError;
}
