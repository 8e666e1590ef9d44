import type { Context } from "hono";
import type { z } from "zod";

export type StripeErrorType =
  | "invalid_request_error"
  | "card_error"
  | "idempotency_error"
  | "api_error"
  | "authentication_error"
  | "rate_limit_error";

export interface StripeErrorFields {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  payment_intent?: Record<string, unknown>;
}

/**
 * An error rendered in Stripe's `{error: {...}}` envelope. The SDK picks its error class from the HTTP
 * status (400/404 invalid request, 402 card, 401 auth, 429 rate limit), so status and type travel together.
 */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly fields: StripeErrorFields,
  ) {
    super(fields.message);
  }
}

const DOC_BASE = "https://stripe.com/docs/error-codes";

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", message, param, code });
}

/** Stripe's 404 for an unknown id: `No such customer: 'cus_x'`. */
export function resourceMissing(noun: string, id: string, param = "id"): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${noun}: '${id}'`,
  });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

/** Renders zod issues as Stripe does: the first problem, with its bracket-notation param. */
export function fromZodError(error: z.ZodError): StripeApiError {
  const issue = error.issues[0];
  if (!issue) return invalidRequest("Invalid request.");
  const [head, ...rest] = issue.path.map(String);
  const param = head === undefined ? undefined : head + rest.map((part) => `[${part}]`).join("");
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  if (missing && param) return missingParam(param);
  return invalidRequest(
    `Invalid ${param ?? "request"}: ${issue.message}`,
    param,
    missing ? "parameter_missing" : "parameter_invalid",
  );
}

/** Renders any thrown error; an unexpected one becomes Stripe's 500 `api_error`. */
export function renderStripeError(error: unknown, context: Context): Response {
  if (error instanceof StripeApiError) {
    // A deterministic failure: tell the SDK not to spend its two retries on it.
    if (error.status < 500 && error.status !== 409) context.header("Stripe-Should-Retry", "false");
    const fields = { ...error.fields };
    const body = {
      error: {
        ...fields,
        ...(fields.code ? { doc_url: `${DOC_BASE}#${fields.code.replaceAll("_", "-")}` } : {}),
        request_log_url: null,
      },
    };
    return context.json(body, error.status as 400);
  }
  const message = error instanceof Error ? error.message : String(error);
  return context.json({ error: { type: "api_error", message: `Emulator error: ${message}` } }, 500);
}
