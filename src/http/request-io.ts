import type { Context } from "hono";

interface NodeIncoming extends AsyncIterable<Uint8Array> {
  headers: Record<string, string | string[] | undefined>;
  /** Every value of every header: Node keeps only the first of some (`authorization`) in `headers`. */
  headersDistinct: Record<string, string[] | undefined>;
  rawHeaders: string[];
  readableDidRead: boolean;
}

/**
 * Node's own request, when @hono/node-server serves the app. Reading headers and bodies from it
 * saves building the Fetch `Request` (its `Headers`, body stream and abort signal), which costs more
 * than a kept `check` or a stored webhook. Elsewhere (Workers, `app.request()` in tests): null.
 */
function nodeIncoming(c: Context): NodeIncoming | null {
  const incoming = (c.env as { incoming?: Partial<NodeIncoming> } | undefined)?.incoming;
  if (incoming?.headersDistinct === undefined || !Array.isArray(incoming.rawHeaders)) return null;
  return incoming as NodeIncoming;
}

/**
 * A request header by its lower-case name; a repeated header's values joined as Fetch joins them
 * (Node's own `headers` keeps only the first of some, `authorization` among them).
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c);
  if (incoming === null) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const key = raw[index]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    value = value === undefined ? raw[index + 1] : `${value}, ${raw[index + 1]}`;
  }
  return value;
}

/** Every request header, by lower-case name. */
export function requestHeaders(c: Context): Record<string, string> {
  const incoming = nodeIncoming(c);
  if (incoming === null) return Object.fromEntries(c.req.raw.headers.entries());
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(incoming.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(", ");
  }
  return headers;
}

/**
 * The body as UTF-8 text. Read straight from Node's stream when it has a `Content-Length` (so the
 * body limit was settled on that header and nothing else has read it), else through the Request.
 */
export async function requestText(c: Context): Promise<string> {
  const incoming = nodeIncoming(c);
  if (incoming === null || incoming.readableDidRead || incoming.headers["content-length"] === undefined) {
    return c.req.text();
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of incoming) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
