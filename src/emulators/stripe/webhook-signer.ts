function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Stripe's v1 scheme: HMAC-SHA256 over `${t}.${body}`, keyed with the UTF-8 bytes of the whole
 * `whsec_…` string (not base64-decoded, unlike Standard Webhooks), as lowercase hex (facts §1.1).
 */
export async function computeStripeSignature(
  secret: string,
  timestampSeconds: number,
  payload: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${timestampSeconds}.${payload}`),
  );
  return toHex(mac);
}

/**
 * The `Stripe-Signature` header: `t=<unix>,v1=<hex>`, one `v1` per active secret (rotation).
 *
 * @example
 * await stripeSignatureHeader({ secrets: ["whsec_abc"], timestampSeconds: 1700000000, payload: "{}" });
 */
export async function stripeSignatureHeader(input: {
  secrets: readonly string[];
  timestampSeconds: number;
  payload: string;
}): Promise<string> {
  const signatures = await Promise.all(
    input.secrets.map((secret) => computeStripeSignature(secret, input.timestampSeconds, input.payload)),
  );
  return [`t=${input.timestampSeconds}`, ...signatures.map((signature) => `v1=${signature}`)].join(",");
}
