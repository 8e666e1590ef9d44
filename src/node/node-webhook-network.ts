import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import {
  literalAddressOf,
  type OutboundRequest,
  type OutboundResponse,
  RefusedAddressError,
  truncateUtf8,
  type WebhookNetwork,
} from "../modules/outbound-webhooks/index.js";

export interface NodeWebhookNetworkOptions {
  /** Resolves a host name to its addresses; default the system resolver. Tests inject rebinding here. */
  resolveHost?: (hostname: string) => Promise<Array<{ address: string; family: number }>>;
}

const systemResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Outbound webhooks on Node: the name is resolved here, every address it resolves to is vetted, and
 * the socket connects to the vetted address (through `lookup`), so a DNS answer that changes between
 * the check and the connection (rebinding) cannot reach a private address. Redirects are not
 * followed (a 3xx is a failed delivery), the whole attempt has a deadline, and only the start of
 * the answer's body is kept.
 *
 * @example
 * const billhook = createBillhook({ storage, webhookNetwork: nodeWebhookNetwork() });
 */
export function nodeWebhookNetwork(options: NodeWebhookNetworkOptions = {}): WebhookNetwork {
  const resolveHost = options.resolveHost ?? systemResolve;
  return {
    async resolve(hostname) {
      return (await resolveHost(hostname)).map((entry) => entry.address);
    },
    send: (request) => send(request, resolveHost),
  };
}

function send(
  request: OutboundRequest,
  resolveHost: NonNullable<NodeWebhookNetworkOptions["resolveHost"]>,
): Promise<OutboundResponse> {
  const url = new URL(request.url);
  const literal = literalAddressOf(url.hostname);
  if (literal !== null) {
    const reason = request.vet(literal);
    if (reason) return Promise.reject(new RefusedAddressError(literal, reason));
  }
  const lookup: LookupFunction = (hostname, _options, callback) => {
    resolveHost(hostname).then(
      (entries) => {
        const refused = entries
          .map((entry) => ({ entry, reason: request.vet(entry.address) }))
          .find((item) => item.reason);
        if (refused) {
          callback(new RefusedAddressError(refused.entry.address, refused.reason!), "", 4);
        } else if (entries.length === 0) {
          callback(new Error(`${hostname} has no address`), "", 4);
        } else {
          callback(null, entries[0]!.address, entries[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 4),
    );
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(url, {
      method: "POST",
      headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      lookup,
      agent: false,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    outgoing.on("error", reject);
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on("data", (chunk: Buffer) => {
        if (kept < request.responseBodyBytesMax) {
          chunks.push(chunk);
          kept += chunk.length;
        } else {
          // Enough of the answer is kept; stop reading a large (or endless) body.
          response.destroy();
          finish();
        }
      });
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        resolve({
          status: response.statusCode ?? 0,
          body: truncateUtf8(Buffer.concat(chunks).toString("utf8"), request.responseBodyBytesMax),
        });
      };
      response.on("end", finish);
      response.on("error", (error) => (finished ? undefined : reject(error)));
    });
    outgoing.end(request.body);
  });
}
