import { serve } from "@hono/node-server";
import type { Billhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { dashboardAssetsFromDisk } from "./dashboard-files.js";
import { withNodeRequestIo } from "./node-request-io.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** A fetch handler as @hono/node-server calls it: `env` holds Node's request and its `requestIo` reader. */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/** Serves the HTTP app on Node. Resolves once the port is bound (port 0 picks a free one). */
export function startServer(
  billhook: Billhook,
  options: { port: number; host: string },
): Promise<RunningServer> {
  return listen(createHttpApp(billhook, { dashboardAssets: dashboardAssetsFromDisk() }).fetch, options);
}

/** Binds a port for any fetch handler; `billhook dev` binds first and wires the engine after. */
export function listen(fetch: FetchHandler, options: { port: number; host: string }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: withNodeRequestIo(fetch), port: options.port, hostname: options.host },
      (info) => {
        const host = info.address.includes(":") ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise((done) => {
              server.close(() => done());
            }),
        });
      },
    );
    server.on("error", reject);
  });
}
