import type { Context, Hono } from "hono";

/** What @hono/node-server passes as `env`; absent under `app.request()` and other runtimes. */
export interface NodeBindings {
  incoming?: { socket?: { destroy(): void } };
}

export interface StripeEnv {
  Bindings: NodeBindings;
  Variables: { requestId: string };
}

export type StripeApp = Hono<StripeEnv>;
export type StripeContext = Context<StripeEnv>;
