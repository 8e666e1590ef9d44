import { Webhook } from "standardwebhooks";

/**
 * Verifies a Standard Webhooks delivery from Billhook on its raw body and returns the parsed payload;
 * throws (`WebhookVerificationError`) if the signature or timestamp is wrong.
 *
 * @example
 * const event = verifyWebhook(await request.text(), Object.fromEntries(request.headers), env.BILLHOOK_WEBHOOK_SECRET);
 */
export function verifyWebhook(
  payload: string,
  headers: Headers | Record<string, string>,
  secret: string,
): unknown {
  const plain = headers instanceof Headers ? Object.fromEntries(headers.entries()) : lowerCased(headers);
  return new Webhook(secret).verify(payload, plain);
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
