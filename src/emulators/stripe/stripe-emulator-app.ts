import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { injectApiFaults } from "../shared/api-fault-middleware.js";
import { registerAllRoutes } from "./app-route-table.js";
import { runDueWork } from "./billing-scheduler.js";
import { idempotency } from "./idempotency-middleware.js";
import type { StripeApp, StripeEnv } from "./stripe-app-types.js";
import { renderStripeError, StripeApiError } from "./stripe-errors.js";
import { STRIPE_API_VERSION, type StripeEmulatorOptions, StripeEmulatorRuntime } from "./stripe-runtime.js";

/** The key from `Bearer sk_…` or Basic `base64(sk_…:)`, both of which Stripe accepts. */
function presentedKey(header: string): string | undefined {
  if (header.startsWith("Bearer ")) return header.slice("Bearer ".length).trim();
  if (header.startsWith("Basic ")) {
    try {
      return atob(header.slice("Basic ".length).trim()).split(":")[0];
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function requireSecretKey(runtime: StripeEmulatorRuntime): MiddlewareHandler<StripeEnv> {
  return async (_context, next) => {
    const key = presentedKey(_context.req.header("authorization") ?? "");
    if (key === runtime.secretKey) return next();
    const message = !key
      ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
      : key.startsWith("sk_live_")
        ? "The Stripe emulator only accepts test-mode keys."
        : `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
    throw new StripeApiError(401, { type: "invalid_request_error", message });
  };
}

/**
 * Builds the Stripe emulator as a Hono app. It uses only Web APIs, so it runs under Node (see
 * `startStripeEmulator`), in `app.request()` tests, or on other runtimes.
 *
 * @example
 * const runtime = new StripeEmulatorRuntime({ seed: 7 });
 * const app = createStripeEmulatorApp(runtime);
 * await app.request("/v1/customers", { headers: { authorization: `Bearer ${runtime.secretKey}` } });
 */
export function createStripeEmulatorApp(
  source: StripeEmulatorRuntime | StripeEmulatorOptions = {},
): StripeApp {
  const runtime = source instanceof StripeEmulatorRuntime ? source : new StripeEmulatorRuntime(source);
  const app: StripeApp = new Hono<StripeEnv>();
  app.onError((error, context) => renderStripeError(error, context));
  app.notFound((context) =>
    renderStripeError(
      new StripeApiError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${context.req.method}: ${context.req.path}).`,
      }),
      context,
    ),
  );
  app.use("*", async (context, next) => {
    runtime.publicUrl ??= new URL(context.req.url).origin;
    runtime.automatically(() => runDueWork(runtime));
    await next();
    if (context.req.method !== "GET") runtime.changed();
  });
  app.use("/v1/*", async (context, next) => {
    const requestId = runtime.newId("req_");
    context.set("requestId", requestId);
    await next();
    // Echo what the SDK reads; never `stripe-notice`, which makes the SDK print warnings.
    context.header("Request-Id", requestId);
    context.header("Stripe-Version", context.req.header("stripe-version") ?? STRIPE_API_VERSION);
    const key = context.req.header("idempotency-key");
    if (key) context.header("Idempotency-Key", key);
  });
  app.use(
    "/v1/*",
    injectApiFaults<StripeEnv>(runtime.faults, {
      rateLimited: () => {
        throw new StripeApiError(429, {
          type: "invalid_request_error",
          code: "rate_limit",
          message: "Too many requests hit the API too quickly (injected fault).",
        });
      },
      internalError: (context) =>
        context.json({ error: { type: "api_error", message: "Injected fault: internal error." } }, 500),
    }),
  );
  app.use("/v1/*", requireSecretKey(runtime));
  app.use("/v1/*", idempotency(runtime));
  registerAllRoutes(app, runtime);
  return app;
}
