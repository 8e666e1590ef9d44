import { SDKValidationError } from "@polar-sh/sdk/models/errors/sdkvalidationerror.js";
import { validateEvent, WebhookVerificationError } from "@polar-sh/sdk/webhooks";
import { Webhook } from "standardwebhooks";
import type { ReceivedWebhook } from "../../shared/testing/webhook-receiver.js";
import { SDK_PARSEABLE_EVENT_TYPES } from "../webhook-endpoint-helper.js";
import { sharedOpenApiValidator } from "./openapi-response-validator.js";

const parseable = new Set<string>(SDK_PARSEABLE_EVENT_TYPES);

/**
 * Checks one received webhook the way a receiver would: SDK 0.49's `validateEvent` with the endpoint's
 * secret, failure with a wrong secret, and the payload against Polar's OpenAPI webhook schema. Types the
 * SDK cannot parse (subscription.cycled/paused/resumed) must still pass the signature check; the SDK
 * then throws SDKValidationError, never WebhookVerificationError (facts §1.2). Returns problems found.
 */
export async function verifyWebhook(webhook: ReceivedWebhook, secret: string): Promise<string[]> {
  const problems: string[] = [];
  const label = `${webhook.type} ${webhook.headers["webhook-id"]}`;
  try {
    validateEvent(webhook.body, webhook.headers, secret);
    if (!parseable.has(webhook.type)) problems.push(`${label}: expected the SDK to reject an unknown type`);
  } catch (error) {
    if (parseable.has(webhook.type) || !(error instanceof SDKValidationError))
      problems.push(`${label}: ${String(error)}`);
    try {
      new Webhook(Buffer.from(secret, "utf8").toString("base64")).verify(webhook.body, webhook.headers);
    } catch (signatureError) {
      problems.push(`${label}: signature: ${String(signatureError)}`);
    }
  }
  try {
    validateEvent(webhook.body, webhook.headers, `${secret}-wrong`);
    problems.push(`${label}: verified with a wrong secret`);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError))
      problems.push(`${label}: wrong secret gave ${String(error)}`);
  }
  const schemaProblem = sharedOpenApiValidator().validateWebhook(webhook.type, webhook.body);
  if (schemaProblem) problems.push(`${label}: OpenAPI: ${schemaProblem}`);
  return problems;
}

export async function verifyWebhooks(webhooks: ReceivedWebhook[], secret: string): Promise<string[]> {
  const problems: string[] = [];
  for (const webhook of webhooks) problems.push(...(await verifyWebhook(webhook, secret)));
  return problems;
}
