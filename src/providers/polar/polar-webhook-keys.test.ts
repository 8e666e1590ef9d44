import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { PolarProvider } from "./polar-provider.js";

/** Signs `body` as Polar does for an endpoint of either key rule. */
function signed(key: string, body: string) {
  const id = "msg_1";
  const at = new Date();
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, at, body),
  };
}

const utf8Key = (secret: string) => btoa(String.fromCharCode(...new TextEncoder().encode(secret)));
const body = JSON.stringify({ type: "customer.created", data: { id: "cus_1" } });
const provider = (webhookSecret: string) =>
  new PolarProvider({ accessToken: "polar_oat_x", serverUrl: "http://127.0.0.1:9", webhookSecret });

describe("Polar webhook keys", () => {
  // Endpoints made before 2026-09-08: the HMAC key is the secret's UTF-8 bytes, prefix included.
  const original = "whsec_3kq9ZtR1vXb7PmN2cY8wLhG5sD4fJ6aQ0eU1iO9pK2s7yT";
  // Endpoints made since (uses_standard_webhook_signature: true): Standard Webhooks' base64 key.
  const standard = `whsec_${btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, index) => index * 7)))}`;

  it.each([
    ["the original UTF-8 key", original, utf8Key(original)],
    ["the Standard Webhooks key", standard, standard],
  ])("accepts a delivery signed with %s", async (_label, secret, signingKey) => {
    const delivery = await provider(secret).verifyWebhook(body, signed(signingKey, body));
    expect(delivery).toMatchObject({ deliveryId: "msg_1", eventType: "customer.created" });
  });

  it.each([
    ["an original secret", original],
    ["a standard secret", standard],
  ])("refuses a delivery signed with another secret, for %s", async (_label, secret) => {
    const other = `whsec_${btoa("another secret, 32 bytes long!!!")}`;
    await expect(provider(secret).verifyWebhook(body, signed(other, body))).rejects.toMatchObject({
      code: "WEBHOOK_SIGNATURE_INVALID",
    });
  });
});
