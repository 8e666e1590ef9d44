import type { AddressVetter } from "./url-policy.js";
import { literalAddressOf } from "./url-policy.js";

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Keep at most this many bytes of the answer's body. */
  responseBodyBytesMax: number;
  /** Applied to every address the request would connect to; a refusal fails the request unsent. */
  vet: AddressVetter;
}

export interface OutboundResponse {
  status: number;
  /** The start of the body, at most `responseBodyBytesMax` bytes. */
  body: string;
}

/**
 * How webhooks leave the process. The Node implementation (`nodeWebhookNetwork` in `billhook/node`)
 * resolves names itself and connects to the vetted address, so DNS rebinding cannot slip a private
 * address in between the check and the connection; redirects are never followed.
 */
export interface WebhookNetwork {
  /** Every address a host name resolves to; throws when it does not resolve. Null: cannot resolve here. */
  resolve(hostname: string): Promise<string[] | null>;
  send(request: OutboundRequest): Promise<OutboundResponse>;
}

/** Thrown when an address is refused at connect time; recorded on the delivery as its error. */
export class RefusedAddressError extends Error {
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`address ${address} is refused (${reason})`);
    this.name = "RefusedAddressError";
  }
}

/**
 * A `fetch`-based network for runtimes without DNS control (Workers): it vets IP-literal hosts and
 * never follows redirects, but cannot see what a name resolves to. On Node use `nodeWebhookNetwork`.
 */
export const fetchWebhookNetwork: WebhookNetwork = {
  resolve: async () => null,
  async send(request) {
    const host = literalAddressOf(new URL(request.url).hostname);
    const reason = host === null ? null : request.vet(host);
    if (host !== null && reason) throw new RefusedAddressError(host, reason);
    const response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: truncateUtf8(text, request.responseBodyBytesMax) };
  },
};

/** The start of `text`, at most `bytesMax` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, bytesMax: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= bytesMax) return text;
  return new TextDecoder().decode(bytes.slice(0, bytesMax)).replace(/\uFFFD$/, "");
}
