import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { injectApiFaults, type NodeBindings } from "../shared/api-fault-middleware.js";
import { registerAllRoutes } from "./app-route-table.js";
import { runDueWork } from "./billing-scheduler.js";
import { CUSTOMER_PORTAL_PREFIX } from "./customer-portal-routes.js";
import { type PolarEmulatorOptions, PolarEmulatorRuntime } from "./emulator-runtime.js";
import { renderError } from "./polar-errors.js";
import { POLAR_API_VERSION } from "./polar-records.js";

/** The 401 Polar answers for a missing, wrong or foreign token. */
const INVALID_TOKEN_BODY = {
  error: "invalid_token",
  error_description:
    "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
};

function requireToken(runtime: PolarEmulatorRuntime): MiddlewareHandler {
  return async (context, next) => {
    // Client-secret checkout endpoints are public at Polar; the customer portal checks its own session token.
    if (context.req.path.startsWith("/v1/checkouts/client/")) return next();
    if (context.req.path.startsWith(CUSTOMER_PORTAL_PREFIX)) return next();
    const header = context.req.header("authorization") ?? "";
    if (header !== `Bearer ${runtime.token}`) {
      context.header("WWW-Authenticate", 'Bearer error="invalid_token"');
      return context.json(INVALID_TOKEN_BODY, 401);
    }
    return next();
  };
}

/**
 * Builds the emulator as a Hono app. It uses only Web APIs, so it runs under Node (see
 * `startPolarEmulator`), in `app.request()` tests, or on other runtimes.
 *
 * @example
 * const runtime = new PolarEmulatorRuntime({ seed: 7 });
 * const app = createPolarEmulatorApp(runtime);
 * await app.request("/v1/products/", { headers: { authorization: `Bearer ${runtime.token}` } });
 */
export function createPolarEmulatorApp(
  source: PolarEmulatorRuntime | PolarEmulatorOptions = {},
): Hono<{ Bindings: NodeBindings }> {
  const runtime = source instanceof PolarEmulatorRuntime ? source : new PolarEmulatorRuntime(source);
  const app = new Hono<{ Bindings: NodeBindings }>();
  app.onError((error, context) => renderError(error, context));
  app.notFound((context) => context.json({ error: "ResourceNotFound", detail: "Not found" }, 404));
  app.use("*", async (context, next) => {
    runtime.publicUrl ??= new URL(context.req.url).origin;
    runDueWork(runtime);
    await next();
    if (context.req.method !== "GET") runtime.changed();
  });
  app.use("/v1/*", async (context, next) => {
    await next();
    // Polar echoes the API version it answered with; the emulator speaks 2026-04, the SDK 0.49 default.
    context.header("Polar-Version", POLAR_API_VERSION);
  });
  app.use(
    "/v1/*",
    injectApiFaults<{ Bindings: NodeBindings }>(runtime.faults, {
      rateLimited: (context) =>
        context.json({ error: "TooManyRequests", detail: "Rate limit exceeded." }, 429),
      internalError: (context) =>
        context.json({ error: "InternalServerError", detail: "Injected fault." }, 500),
    }),
  );
  app.use("/v1/*", requireToken(runtime));
  registerAllRoutes(app as unknown as Hono, runtime);
  return app;
}
