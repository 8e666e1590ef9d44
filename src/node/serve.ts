import { type ServerType, serve } from "@hono/node-server";
import type { Billhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the HTTP app on Node. Resolves once the port is bound (port 0 picks a free one). */
export function startServer(
  billhook: Billhook,
  options: { port: number; host: string },
): Promise<RunningServer> {
  const app = createHttpApp(billhook);
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
        const host = info.address.includes(":") ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise((done) => {
              server?.close(() => done());
            }),
        });
      });
      server.on("error", reject);
    } catch (error) {
      reject(error);
    }
  });
}
