import type { Context } from "hono";

/**
 * A cheaper way to read the request than the Fetch `Request`, handed to the app by the server that
 * runs it, in `env.requestIo`: on Node, `src/node/serve.ts` reads Node's own request, which saves
 * building the Request's `Headers`, body stream and abort signal (more than a kept `check` or a
 * stored webhook costs). Absent elsewhere (Workers, `app.request()` in tests): the Fetch Request is read.
 */
export interface RequestIo {
  /** A header by lower-case name; a repeated header's values joined with ", " as Fetch joins them. */
  header(name: string): string | undefined;
  /** Every header, by lower-case name. */
  headers(): Record<string, string>;
  /** The body as UTF-8 text, or null when only the Fetch Request can tell it (then it is read). */
  text(): Promise<string> | null;
}

function requestIoOf(c: Context): RequestIo | undefined {
  return (c.env as { requestIo?: RequestIo } | undefined)?.requestIo;
}

/** A request header by its lower-case name, repeated values joined as Fetch joins them. */
export function requestHeader(c: Context, name: string): string | undefined {
  const io = requestIoOf(c);
  return io === undefined ? c.req.header(name) : io.header(name);
}

/** Every request header, by lower-case name. */
export function requestHeaders(c: Context): Record<string, string> {
  const io = requestIoOf(c);
  return io === undefined ? Object.fromEntries(c.req.raw.headers.entries()) : io.headers();
}

/** The body as UTF-8 text. */
export async function requestText(c: Context): Promise<string> {
  return (await requestIoOf(c)?.text()) ?? c.req.text();
}
