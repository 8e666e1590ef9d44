import type { IncomingMessage } from "node:http";
import type { RequestIo } from "../http/request-io.js";

/**
 * The app's request reader over Node's own request (see `RequestIo` in src/http/request-io.ts):
 * headers straight from `rawHeaders`, and a body with a declared `Content-Length` read straight from
 * the stream (the body limit was settled on that header, and nothing else has read it yet). A class,
 * so a request costs one small object and no closures.
 */
export class NodeRequestIo implements RequestIo {
  readonly #incoming: IncomingMessage;

  constructor(incoming: IncomingMessage) {
    this.#incoming = incoming;
  }

  header(name: string): string | undefined {
    // Node's own `headers` keeps only the first of some repeated headers (`authorization`).
    const raw = this.#incoming.rawHeaders;
    let value: string | undefined;
    for (let index = 0; index < raw.length; index += 2) {
      const key = raw[index]!;
      if (key.length !== name.length || key.toLowerCase() !== name) continue;
      value = value === undefined ? raw[index + 1] : `${value}, ${raw[index + 1]}`;
    }
    return value;
  }

  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(this.#incoming.headersDistinct)) {
      if (values !== undefined) headers[name] = values.join(", ");
    }
    return headers;
  }

  text(): Promise<string> | null {
    const incoming = this.#incoming;
    if (incoming.readableDidRead || incoming.headers["content-length"] === undefined) return null;
    return (async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Uint8Array);
      return Buffer.concat(chunks).toString("utf8");
    })();
  }
}

/**
 * `fetch` as @hono/node-server calls it, with `env.requestIo` added so the app reads Node's request
 * directly. Every Node server of Billhook's app goes through this. The env object is the server's
 * own, made for this request, so the reader is set on it rather than copied into a new one.
 */
export function withNodeRequestIo<Env>(
  fetch: (request: Request, env: Env) => Response | Promise<Response>,
): (request: Request, env: Env) => Response | Promise<Response> {
  return (request, env) => {
    const nodeEnv = env as { incoming?: IncomingMessage; requestIo?: RequestIo } | undefined;
    if (nodeEnv?.incoming !== undefined) nodeEnv.requestIo = new NodeRequestIo(nodeEnv.incoming);
    return fetch(request, env);
  };
}
