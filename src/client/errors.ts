import type { ErrorCode } from "../kernel/errors.js";

/** An RFC 9457 problem as the API sends it; extensions (`balance`, `required`, `issues`…) ride along. */
export interface ApiProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Billhook answered with a problem. Branch on `code`, never on the message.
 *
 * @example
 * try { await client.credits.spend({ customerId, type: "images", amount: 5 }); }
 * catch (error) {
 *   if (error instanceof BillhookApiError && error.code === "INSUFFICIENT_CREDITS") showBuy(error.problem.buyUrl);
 * }
 */
export class BillhookApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problem: ApiProblem;

  constructor(problem: ApiProblem) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = "BillhookApiError";
    this.code = problem.code;
    this.status = problem.status;
    this.problem = problem;
  }
}

/** Billhook could not be reached (network failure or timeout) after every allowed attempt. */
export class BillhookUnavailableError extends Error {
  readonly attempts: number;
  readonly timedOut: boolean;

  constructor(message: string, options: { attempts: number; timedOut: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "BillhookUnavailableError";
    this.attempts = options.attempts;
    this.timedOut = options.timedOut;
  }
}

/** Turns a non-2xx answer into a typed error, even when the body is not a problem (a proxy's 502 page). */
export async function toApiError(response: Response): Promise<BillhookApiError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isProblem(body)) return new BillhookApiError(body);
  return new BillhookApiError({
    type: "about:blank",
    title: response.statusText || "Unexpected response",
    status: response.status,
    detail: text.slice(0, 500) || `HTTP ${response.status} without a problem body.`,
    code: response.status >= 500 ? "INTERNAL" : "MALFORMED_REQUEST",
  });
}

function isProblem(body: unknown): body is ApiProblem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { code?: unknown }).code === "string" &&
    typeof (body as { status?: unknown }).status === "number"
  );
}
