import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./webhook.js";

// A Standard Webhooks secret: whsec_ + base64 of the key bytes.
const secret = `whsec_${btoa("billhook-test-signing-key-32-bytes!")}`;
const payload = JSON.stringify({ type: "entitlements.changed", data: { customerId: "u1" } });

function signed(id: string, at: Date, body = payload, key = secret) {
  const signature = new Webhook(key).sign(id, at, body);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

describe("verifyWebhook", () => {
  it("returns the payload of a genuine delivery, with plain or Fetch headers in any case", () => {
    const headers = signed("msg_1", new Date());
    expect(verifyWebhook(payload, headers, secret)).toEqual(JSON.parse(payload));
    const upper = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expect(verifyWebhook(payload, upper, secret)).toEqual(JSON.parse(payload));
    expect(verifyWebhook(payload, new Headers(headers), secret)).toEqual(JSON.parse(payload));
  });

  it("refuses a changed body, another secret and a stale timestamp", () => {
    const headers = signed("msg_2", new Date());
    expect(() => verifyWebhook(payload.replace("u1", "u2"), headers, secret)).toThrow();
    expect(() =>
      verifyWebhook(payload, headers, `whsec_${btoa("another-key-entirely-32-bytes!!!")}`),
    ).toThrow();
    expect(() =>
      verifyWebhook(payload, signed("msg_3", new Date(Date.now() - 10 * 60_000)), secret),
    ).toThrow();
  });
});
