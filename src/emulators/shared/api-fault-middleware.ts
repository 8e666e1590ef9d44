import type { Context, MiddlewareHandler } from "hono";
import type { FaultInjector } from "./emulator-faults.js";

/** What @hono/node-server passes as `env`; absent under `app.request()` and other runtimes. */
export interface NodeBindings {
  incoming?: { socket?: { destroy(): void } };
}

/** An environment whose bindings may carry the Node socket, so a fault can cut the connection. */
export interface FaultableEnv {
  Bindings: NodeBindings;
}

/** The provider's error answers for injected faults; they may return a response or throw. */
export interface FaultResponses<E extends FaultableEnv> {
  /** Called after `Retry-After` is set. */
  rateLimited(context: Context<E>): Response | Promise<Response>;
  internalError(context: Context<E>): Response | Promise<Response>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** API fault knobs: latency, 429, 500 before the handler; "applied but response lost" after it. */
export function injectApiFaults<E extends FaultableEnv>(
  faults: FaultInjector,
  responses: FaultResponses<E>,
): MiddlewareHandler<E> {
  return async (context, next) => {
    const latencyMs = faults.settings.apiLatencyMs;
    if (latencyMs > 0) await sleep(latencyMs);
    if (faults.roll("apiRateLimit")) {
      context.header("Retry-After", String(faults.settings.apiRetryAfterSeconds));
      return responses.rateLimited(context);
    }
    if (faults.roll("apiError")) return responses.internalError(context);
    await next();
    if (context.req.method === "GET" || !faults.roll("apiResponseLost")) return;
    // The write already happened; now the client loses the answer.
    const socket = context.env?.incoming?.socket;
    if (socket) {
      socket.destroy();
      return;
    }
    const broken = new ReadableStream({
      pull: (controller) => controller.error(new Error("connection cut by fault injection")),
    });
    context.res = new Response(broken, { status: context.res.status, headers: context.res.headers });
  };
}
