import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  type: string;
  receivedAtMs: number;
}

/** A local HTTP receiver that records raw webhook bodies and answers with a chosen status. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Decides the status for each request (default 200); may also delay its answer. */
  respond: (webhook: ReceivedWebhook, index: number) => number | Promise<number> = () => 200;
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const webhook: ReceivedWebhook = {
          headers: plainHeaders(request.headers),
          body,
          type: safeType(body),
          receivedAtMs: Date.now(),
        };
        const status = await this.respond(webhook, this.received.length);
        this.received.push(webhook);
        response.writeHead(status, status >= 300 && status < 400 ? { location: "https://example.com/" } : {});
        response.end(status >= 200 && status < 300 ? "ok" : "nope");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
    return this;
  }

  types(): string[] {
    return this.received.map((webhook) => webhook.type);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === "string") plain[name] = value;
  return plain;
}

function safeType(body: string): string {
  try {
    return String((JSON.parse(body) as { type?: unknown }).type);
  } catch {
    return "<invalid json>";
  }
}
