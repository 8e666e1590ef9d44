/**
 * An app that sells through Billhook using only `billhook/client`: it opens checkouts, asks `check`
 * before doing paid work, reports usage, spends credits, and receives Billhook's events on its own
 * webhook endpoint, verified with the `standardwebhooks` package.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createBillhookClient } from "billhook/client";
import { Webhook } from "standardwebhooks";

export interface ClientAppOptions {
  /** Where Billhook runs, e.g. `http://127.0.0.1:8787`. */
  billhookUrl: string;
  /** A `server` key for the hot path (check, track, spend, checkouts). */
  serverKey: string;
  /** An `admin` key, used once at setup to register the webhook endpoint. */
  adminKey: string;
  port?: number;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export async function startClientApp(options: ClientAppOptions) {
  const billhook = createBillhookClient({ baseUrl: options.billhookUrl, apiKey: options.serverKey });
  const admin = createBillhookClient({ baseUrl: options.billhookUrl, apiKey: options.adminKey });
  const events: ReceivedEvent[] = [];
  const seen = new Set<string>();
  let secret: string | null = null;

  /** The webhook receiver: verify on the raw body, deduplicate on webhook-id, answer fast. */
  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    let event: ReceivedEvent;
    try {
      event = new Webhook(secret ?? "").verify(body, headers) as ReceivedEvent;
    } catch {
      response.writeHead(401).end();
      return;
    }
    if (!seen.has(event.id)) {
      seen.add(event.id);
      events.push(event);
    }
    response.writeHead(204).end();
  }

  const server = createServer((request, response) => {
    if (request.method === "POST" && request.url === "/webhooks/billhook") {
      receive(request, response).catch(() => response.writeHead(500).end());
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    events,
    /** Setup: subscribe this app to the events it acts on; the secret is shown only now. */
    async registerWebhooks(
      eventTypes = ["entitlements.changed", "credits.low", "credits.depleted", "order.paid"],
    ) {
      const endpoint = await admin.webhookEndpoints.create({ url: `${url}/webhooks/billhook`, eventTypes });
      secret = endpoint.secret;
      return endpoint;
    },
    /** Where to send the customer to pay. */
    async checkoutUrl(customerId: string, product: string) {
      const checkout = await billhook.checkouts.create({
        customerId,
        product,
        successUrl: `${url}/thanks`,
        email: `${customerId}@example.com`,
      });
      return checkout.url;
    },
    /** Gate paid work; fails closed if Billhook cannot be reached in time. */
    can: (customerId: string, feature: string) => billhook.check({ customerId, feature }),
    track: (customerId: string, event: string) => billhook.usage.track({ customerId, event }),
    spend: (customerId: string, type: string, amount: number, jobId: string) =>
      billhook.credits.spend({ customerId, type, amount, idempotencyKey: jobId }),
    eventsOf: (customerId: string, type?: string) =>
      events.filter(
        (event) => event.data.customerId === customerId && (type === undefined || event.type === type),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type ClientApp = Awaited<ReturnType<typeof startClientApp>>;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
