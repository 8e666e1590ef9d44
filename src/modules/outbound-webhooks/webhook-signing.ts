import { Webhook } from "standardwebhooks";

const secretPrefix = "whsec_";
const secretBytes = 32;

/** A fresh signing secret, `whsec_` + base64 of 32 random bytes (the Standard Webhooks form). */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(secretBytes));
  return secretPrefix + btoa(String.fromCharCode(...bytes));
}

/**
 * The Standard Webhooks headers of one delivery: `webhook-id` is the event id (receivers deduplicate
 * on it, retries keep it), and during a secret rotation the signature header carries one signature
 * per secret, so receivers may switch secrets at their own pace.
 */
export function signedHeaders(
  eventId: string,
  timestamp: Date,
  body: string,
  secrets: string[],
): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(eventId, timestamp, body));
  return {
    "content-type": "application/json",
    "user-agent": "Billhook-Webhooks/1",
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
