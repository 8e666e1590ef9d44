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

/** Cuts the connection (no answer at all); without a Node socket, answers with a body that errors. */
function cutConnection(context: Context<FaultableEnv>): Response | undefined {
  const socket = context.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return undefined;
  }
  const broken = new ReadableStream({
    pull: (controller) => controller.error(new Error("connection cut by fault injection")),
  });
  return new Response(broken, { status: context.res.status, headers: context.res.headers });
}

/**
 * API fault knobs: latency, stalls, 429, 500 and connection resets before the handler (nothing is
 * applied); "applied but response lost" after it. A stalled request is still handled when the stall
 * ends, even if the client has given up: like a real server that was merely slow.
 */
export function injectApiFaults<E extends FaultableEnv>(
  faults: FaultInjector,
  responses: FaultResponses<E>,
): MiddlewareHandler<E> {
  return async (context, next) => {
    const latencyMs = faults.settings.apiLatencyMs;
    if (latencyMs > 0) await sleep(latencyMs);
    if (faults.roll("apiStall")) await sleep(faults.settings.apiStallMs);
    if (faults.roll("apiConnectionReset")) {
      const broken = cutConnection(context as unknown as Context<FaultableEnv>);
      // A destroyed socket answers nothing; the response below is never sent.
      return broken ?? new Response(null, { status: 500 });
    }
    if (faults.roll("apiRateLimit")) {
      context.header("Retry-After", String(faults.settings.apiRetryAfterSeconds));
      return responses.rateLimited(context);
    }
    if (faults.roll("apiError")) return responses.internalError(context);
    await next();
    if (context.req.method === "GET" || !faults.roll("apiResponseLost")) return;
    // The write already happened; now the client loses the answer.
    const broken = cutConnection(context as unknown as Context<FaultableEnv>);
    if (broken) context.res = broken;
  };
}
