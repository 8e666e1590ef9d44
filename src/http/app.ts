import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { Billhook } from "../engine.js";
import { BillhookError, ValidationError } from "../kernel/index.js";
import { renderApiReference } from "./api-reference.js";
import { type DashboardAssets, dashboardRoutes } from "./dashboard-assets.js";
import { errorResponse, withChainHeaders } from "./error-response.js";
import type { HttpEnv } from "./http-env.js";
import { checkPath, leanCheck } from "./lean-check.js";
import { authenticate } from "./middleware/authenticate.js";
import { idempotency } from "./middleware/idempotency.js";
import { requestLog } from "./middleware/request-log.js";
import { refuseUnsafeText } from "./middleware/text-input.js";
import { problemResponse } from "./problem.js";
import { requestHeader } from "./request-io.js";
import { adminRoutes } from "./routes/admin-routes.js";
import { apiKeyRoutes } from "./routes/api-key-routes.js";
import { billingRoutes } from "./routes/billing-routes.js";
import { catalogRoutes } from "./routes/catalog-routes.js";
import { checkoutRoutes } from "./routes/checkout-routes.js";
import { creditRoutes } from "./routes/credit-routes.js";
import { customerRoutes } from "./routes/customer-routes.js";
import { customerTokenRoutes } from "./routes/customer-token-routes.js";
import { developmentRoutes } from "./routes/development-routes.js";
import { entitlementRoutes } from "./routes/entitlement-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { ledgerRoutes } from "./routes/ledger-routes.js";
import { marketplaceRoutes } from "./routes/marketplace-routes.js";
import { realtimeRoutes } from "./routes/realtime-routes.js";
import { sellerRoutes } from "./routes/seller-routes.js";
import { sessionRoutes } from "./routes/session-routes.js";
import { settingsRoutes } from "./routes/settings-routes.js";
import { usageRoutes } from "./routes/usage-routes.js";
import { metricsRoutes, usageSyncRoutes } from "./routes/usage-sync-routes.js";
import { webhookEndpointRoutes } from "./routes/webhook-endpoint-routes.js";
import { webhookInboxRoutes } from "./routes/webhook-inbox-routes.js";

/** Paths under `/v1/` that need no API key (provider webhooks, which carry signatures instead). */
export const publicApiPrefixes: readonly string[] = ["/v1/webhooks/polar", "/v1/webhooks/stripe"];
/** Path prefixes under `/v1/` that are public reads (a seller's tier list by handle). */
export const publicApiPathPrefixes: readonly string[] = ["/v1/public/"];

export const apiVersion = "0.1.0";

/**
 * The HTTP API as a Hono app: runs on Node (`@hono/node-server`), Workers and Deno alike, and is
 * tested with `app.request()` without a socket.
 *
 * @example
 * serve({ fetch: createHttpApp(billhook).fetch, port: 8787 });
 */
export interface HttpAppOptions {
  /** The built admin dashboard, served at `/dashboard/`; without it that path explains how to build it. */
  dashboardAssets?: DashboardAssets | null;
  /**
   * Whether `check` from a server key takes its lean path (lean-check.ts); on by default. Off only
   * to compare that path's answers with the general chain's.
   */
  leanCheck?: boolean;
}

export function createHttpApp(billhook: Billhook, options: HttpAppOptions = {}): OpenAPIHono<HttpEnv> {
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ValidationError(
          "The request is invalid.",
          result.error.issues.map((issue) => ({
            path: [result.target, ...issue.path.map(String)].join("."),
            message: issue.message,
          })),
        );
      }
    },
  });

  if (options.leanCheck !== false) app.use(checkPath, leanCheck(billhook));
  app.use("*", requestId());
  app.use("*", async (c, next) => {
    c.set("billhook", billhook);
    await next();
  });
  app.use("*", requestLog);
  const bytesMax = billhook.config.requestBodyBytesMax;
  const tooLarge = () => {
    throw new BillhookError("PAYLOAD_TOO_LARGE", `The request body exceeds ${bytesMax} bytes.`, { bytesMax });
  };
  const limitBody = bodyLimit({ maxSize: bytesMax, onError: tooLarge });
  // Only methods that carry a body. A declared length is judged by the header alone, as Hono's
  // bodyLimit would, but without looking at the body: that makes @hono/node-server build a full
  // Request, which costs more than the rest of a stored webhook. A streamed body is counted.
  app.use("*", (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const declared = requestHeader(c, "content-length");
    if (declared === undefined || !/^\d+$/.test(declared)) return limitBody(c, next);
    return Number(declared) > bytesMax ? tooLarge() : next();
  });
  // Browsers call the API with customer tokens; only the configured origins may. Before authentication,
  // so a preflight (which carries no credentials) is answered here.
  const allowedOrigins = new Set(billhook.config.realtime.corsOrigins);
  const corsForBrowsers = cors({
    origin: (origin) => (allowedOrigins.has(origin) ? origin : null),
    allowHeaders: ["authorization", "content-type", "idempotency-key"],
    allowMethods: ["GET", "POST"],
    maxAge: 600,
  });
  app.use("/v1/*", (c, next) => {
    if (c.req.method === "OPTIONS" || c.req.header("origin") !== undefined) return corsForBrowsers(c, next);
    // A server-to-server call has no Origin. Hono's cors adds `Vary` after the handler, which makes
    // @hono/node-server rebuild the finished response as a stream (a third of a cached check's cost);
    // set it up front instead.
    c.header("Vary", "Origin");
    return next();
  });
  app.use("/v1/*", async (c, next) => {
    const path = c.req.path;
    // Provider webhooks: signed raw bodies, verified and stored exactly as the provider sent them.
    if (publicApiPrefixes.includes(path)) return next();
    if (publicApiPathPrefixes.some((prefix) => path.startsWith(prefix))) {
      await refuseUnsafeText(c, next);
      return;
    }
    return authenticate(c, async () => {
      await refuseUnsafeText(c, async () => {
        await idempotency(c, next);
      });
    });
  });

  app.onError((error, c) => errorResponse(billhook, error, c));
  app.notFound((c) =>
    withChainHeaders(
      c,
      problemResponse(
        new BillhookError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`),
        c.get("requestId"),
      ),
    ),
  );

  app.route("/", healthRoutes);
  app.route("/", ledgerRoutes);
  app.route("/", apiKeyRoutes);
  app.route("/", customerRoutes);
  app.route("/", entitlementRoutes);
  app.route("/", checkoutRoutes);
  app.route("/", catalogRoutes);
  app.route("/", billingRoutes);
  app.route("/", webhookInboxRoutes);
  app.route("/", creditRoutes);
  app.route("/", usageRoutes);
  app.route("/", usageSyncRoutes);
  app.route("/", metricsRoutes);
  app.route("/", realtimeRoutes);
  app.route("/", sellerRoutes);
  app.route("/", marketplaceRoutes);
  app.route("/", webhookEndpointRoutes);
  app.route("/", settingsRoutes);
  app.route("/", customerTokenRoutes);
  app.route("/", adminRoutes);
  app.route("/", sessionRoutes);
  app.route("/", dashboardRoutes(options.dashboardAssets ?? null));
  if (!billhook.config.production) app.route("/", developmentRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A secret key `bh_sk_…` created with `billhook keys create`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "customerToken", {
    type: "http",
    scheme: "bearer",
    description:
      "A customer token `bh_ct_…` minted by your server (`POST /v1/customers/{customerId}/tokens`): browsers only, one customer, at most an hour.",
  });
  const documentConfig = {
    openapi: "3.1.0",
    info: {
      title: "Billhook",
      version: apiVersion,
      description: "Entitlements, credits, usage and a double-entry ledger over Polar and Stripe.",
    },
  };
  app.get("/openapi.json", (c) => c.json(app.getOpenAPI31Document(documentConfig)));
  app.get("/docs", (c) => c.html(renderApiReference(app.getOpenAPI31Document(documentConfig) as never)));
  return app;
}
