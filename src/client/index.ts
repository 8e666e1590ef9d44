/** `billhook/client`: a typed, runtime-agnostic client for the Billhook HTTP API. */

export { WebhookVerificationError } from "standardwebhooks";
export type { ErrorCode } from "../kernel/errors.js";
export type { CheckAnswer, CheckFallback, CheckOptions, CheckOutcome, FailurePolicy } from "./check.js";
export { type BillhookClient, type BillhookClientOptions, createBillhookClient } from "./client.js";
export type * from "./contract.js";
export { type ApiProblem, BillhookApiError, BillhookUnavailableError } from "./errors.js";
export type { CallOptions, FetchFunction, RetryPolicy } from "./transport.js";
export { verifyWebhook } from "./webhook.js";
