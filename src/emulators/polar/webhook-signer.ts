/**
 * Standard Webhooks signing with Polar's key rule: the HMAC key is the UTF-8 bytes of the whole secret
 * string (prefix included), not the base64-decoded part after `whsec_` (facts §7.2).
 */
export type SigningKeyRule = "polar-utf8" | "standard-base64";

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

function keyBytes(secret: string, rule: SigningKeyRule): Uint8Array<ArrayBuffer> {
  if (rule === "polar-utf8") return new TextEncoder().encode(secret);
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  const binary = atob(encoded);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Signs `${id}.${timestamp}.${payload}` and returns the `v1,<base64>` signature entry.
 *
 * @example
 * await signWebhook({ secret: "whsec_…", id: "msg_1", timestampSeconds: 1614265330, payload: "{}" });
 */
export async function signWebhook(input: {
  secret: string;
  id: string;
  timestampSeconds: number;
  payload: string;
  keyRule?: SigningKeyRule;
}): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes(input.secret, input.keyRule ?? "polar-utf8"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const content = new TextEncoder().encode(`${input.id}.${input.timestampSeconds}.${input.payload}`);
  const signature = await crypto.subtle.sign("HMAC", key, content);
  return `v1,${toBase64(signature)}`;
}

/** The three Standard Webhooks headers for one delivery attempt. */
export async function signedHeaders(input: {
  secret: string;
  id: string;
  timestampSeconds: number;
  payload: string;
  keyRule?: SigningKeyRule;
}): Promise<SignedHeaders> {
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestampSeconds),
    "webhook-signature": await signWebhook(input),
  };
}
