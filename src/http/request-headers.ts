import type { Context } from "hono";

interface NodeIncoming {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
}

/**
 * A request header by its lower-case name. Served by @hono/node-server, it is read from Node's own
 * parsed headers: the first `c.req.header()` builds a Fetch `Headers` of every header, which costs
 * more than a kept `check`. Elsewhere (Workers, `app.request()` in tests) it is the Request's.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: Partial<NodeIncoming> } | undefined)?.incoming;
  if (incoming?.headers === undefined || !Array.isArray(incoming.rawHeaders)) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
