import type { IncomingMessage } from "node:http";
import type { RequestIo } from "../http/request-io.js";

/**
 * The app's request reader over Node's own request (see `RequestIo` in src/http/request-io.ts):
 * headers straight from `rawHeaders`, and a body with a declared `Content-Length` read straight from
 * the stream (the body limit was settled on that header, and nothing else has read it yet).
 */
export function nodeRequestIo(incoming: IncomingMessage): RequestIo {
  return {
    header(name) {
      // Node's own `headers` keeps only the first of some repeated headers (`authorization`).
      const raw = incoming.rawHeaders;
      let value: string | undefined;
      for (let index = 0; index < raw.length; index += 2) {
        const key = raw[index]!;
        if (key.length !== name.length || key.toLowerCase() !== name) continue;
        value = value === undefined ? raw[index + 1] : `${value}, ${raw[index + 1]}`;
      }
      return value;
    },
    headers() {
      const headers: Record<string, string> = {};
      for (const [name, values] of Object.entries(incoming.headersDistinct)) {
        if (values !== undefined) headers[name] = values.join(", ");
      }
      return headers;
    },
    text() {
      if (incoming.readableDidRead || incoming.headers["content-length"] === undefined) return null;
      return (async () => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of incoming) chunks.push(chunk as Uint8Array);
        return Buffer.concat(chunks).toString("utf8");
      })();
    },
  };
}

/**
 * `fetch` as @hono/node-server calls it, with `env.requestIo` added so the app reads Node's request
 * directly. Every Node server of Billhook's app goes through this.
 */
export function withNodeRequestIo<Env>(
  fetch: (request: Request, env: Env) => Response | Promise<Response>,
): (request: Request, env: Env) => Response | Promise<Response> {
  return (request, env) => {
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined) return fetch(request, env);
    return fetch(request, { ...env, requestIo: nodeRequestIo(incoming) } as Env);
  };
}
