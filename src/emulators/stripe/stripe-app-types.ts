import type { Context, Hono } from "hono";
import type { NodeBindings } from "../shared/api-fault-middleware.js";

export interface StripeEnv {
  Bindings: NodeBindings;
  Variables: { requestId: string };
}

export type StripeApp = Hono<StripeEnv>;
export type StripeContext = Context<StripeEnv>;
