import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

/** A local HTTP server standing in for the app's webhook endpoint; `answer` picks each status. */
export async function startWebhookInboxServer(
  answer: (webhook: ReceivedWebhook) => number = () => 204,
): Promise<{
  url: string;
  received: ReceivedWebhook[];
  setAnswer(next: typeof answer): void;
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  let current = answer;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const webhook: ReceivedWebhook = {
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
        body,
        json: JSON.parse(body) as ReceivedWebhook["json"],
      };
      received.push(webhook);
      const status = current(webhook);
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status >= 300 ? `failure ${"x".repeat(5000)}` : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    setAnswer: (next) => {
      current = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
