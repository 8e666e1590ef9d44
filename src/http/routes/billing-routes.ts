import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BillhookError } from "../../kernel/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { RateLimitedError, rateLimitHeaders } from "../rate-limit-headers.js";
import { customerAccessible, secured } from "../route-access.js";

const customerId = z.string().min(1).max(200).openapi({ example: "user_123" });
const tags = ["Billing"];

const checkResultSchema = z
  .object({
    allowed: z.boolean(),
    code: z.enum([
      "ALLOWED",
      "PAYMENT_REQUIRED",
      "SUBSCRIPTION_REQUIRED",
      "INSUFFICIENT_CREDITS",
      "QUOTA_EXCEEDED",
    ]),
    feature: z.string(),
    customerId: z.string(),
    grantedBy: z.object({ catalogKey: z.string(), sourceKind: z.string(), sourceId: z.string() }).nullable(),
    activeUntil: z.string().nullable(),
    upgradeProduct: z.string().nullable(),
    upgradeUrl: z.string().nullable(),
    balance: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Credit-backed features: the available balance." }),
    units: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Credit-backed and metered features: the units asked for." }),
    used: z.number().optional().openapi({ description: "Metered features: use in the current period." }),
    limit: z.number().nullable().optional().openapi({ description: "Metered features: included units." }),
    remaining: z.number().nullable().optional(),
    resetsAt: z.string().optional().openapi({ description: "Metered features: when the period resets." }),
    overage: z.enum(["block", "allow_overage"]).nullable().optional(),
    rateLimit: z
      .object({
        allowed: z.boolean(),
        limit: z.number().int(),
        remaining: z.number().int(),
        windowSeconds: z.number(),
        resetSeconds: z.number().int(),
        retryAfterSeconds: z.number().int().nullable(),
        policy: z.array(z.object({ limit: z.number().int(), windowSeconds: z.number() })),
      })
      .optional()
      .openapi({
        description: "Rate-limited features: this request's standing (also in RateLimit-* headers).",
      }),
  })
  .openapi("CheckResult");

/** `check`'s query, shared with the lean path that answers it ahead of the middleware chain (lean-check.ts). */
export const checkQuerySchema = z.object({
  customerId,
  feature: z.string().min(1).max(64),
  units: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const checkRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/entitlements/check",
    tags,
    summary:
      "May this customer use this feature (for `units`, when it is credit-backed)? Indexed reads; never calls the provider.",
    request: { query: checkQuerySchema },
    responses: {
      200: jsonResponse(checkResultSchema, "The answer (allowed or not)."),
      404: problemResponse("The catalog declares no such feature."),
      429: problemResponse(
        "RATE_LIMITED: the feature's request rate is used up; `Retry-After` and `RateLimit-*` headers say when it frees.",
      ),
      ...problemResponses,
    },
  }),
);

export const entitlementsRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/entitlements",
    tags,
    summary: "Every feature the customer holds now, with what grants it.",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              feature: z.string(),
              catalogKey: z.string(),
              sourceKind: z.string(),
              sourceId: z.string(),
              activeUntil: z.string().nullable(),
            }),
          ),
        }),
        "The entitlements.",
      ),
      ...problemResponses,
    },
  }),
);

export const checkoutRoute = createRoute(
  customerAccessible("server", {
    method: "post",
    path: "/v1/checkouts",
    tags,
    summary: "Start a hosted checkout for a catalog product.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({
                customerId,
                product: z.string().min(1).max(64),
                amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
                successUrl: z.url(),
                returnUrl: z.url().optional(),
                email: z.email().optional(),
                name: z.string().max(200).optional(),
                metadata: z.record(z.string().max(40), z.string().max(500)).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        z.object({ id: z.string(), url: z.string(), product: z.string() }),
        "The checkout to send the buyer to.",
      ),
      404: problemResponse("Unknown product."),
      409: problemResponse("Already entitled, or the catalog was not pushed to the provider."),
      502: problemResponse("The provider failed; nothing was written."),
      ...problemResponses,
    },
  }),
);

export const portalRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/customers/{customerId}/portal",
    tags,
    summary: "A link to the provider's customer portal (subscriptions, invoices, payment method).",
    request: {
      params: z.object({ customerId }),
      body: {
        required: false,
        content: { "application/json": { schema: z.object({ returnUrl: z.url().optional() }).strict() } },
      },
    },
    responses: {
      200: jsonResponse(z.object({ url: z.string() }), "The portal URL."),
      404: problemResponse("The provider has no customer with this id (create it with POST /v1/customers)."),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

export const ensureCustomerRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/customers",
    tags,
    summary: "Make sure the customer exists at the provider, created by external id or linked by email.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ customerId, email: z.email().optional(), name: z.string().max(200).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(
        z.object({
          id: z.string(),
          email: z.string().nullable(),
          provider: z.string(),
          providerCustomerId: z.string().nullable(),
        }),
        "The customer.",
      ),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

export const checkoutsOfRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/checkouts",
    tags,
    summary:
      "The customer's checkouts, newest first, with their outcome (a declined payment shows as failed).",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              product: z.string(),
              status: z.enum(["open", "expired", "confirmed", "succeeded", "failed"]),
              url: z.string(),
              amountMinor: z.number().int().nullable(),
              createdAt: z.string(),
            }),
          ),
        }),
        "The checkouts.",
      ),
      ...problemResponses,
    },
  }),
);

export const paymentIntentRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/payment-intents",
    tags,
    summary:
      "Start a payment the app collects in its own page (Stripe Elements) for a one-time product; the outcome arrives by webhook.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ customerId, product: z.string().min(1).max(64), email: z.email().optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        z.object({
          id: z.string(),
          clientSecret: z.string(),
          publishableKey: z.string().nullable(),
          amountMinor: z.number().int(),
          currency: z.string(),
        }),
        "Confirm it in the browser with the client secret.",
      ),
      404: problemResponse("Unknown product."),
      409: problemResponse("Already entitled, or the provider cannot take embedded payments."),
      502: problemResponse("The provider failed; nothing was written."),
      ...problemResponses,
    },
  }),
);

export const billingRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(paymentIntentRoute, async (c) =>
    c.json(await c.get("billhook").checkouts.createPaymentIntent(c.req.valid("json")), 201),
  )
  .openapi(checkoutsOfRoute, async (c) => {
    const records = await c.get("billhook").checkouts.listOf(c.req.valid("param").customerId);
    const items = records.map((record) => ({
      id: record.id,
      product: record.catalogKey,
      status: record.status,
      url: record.url,
      amountMinor: record.amountMinor,
      createdAt: new Date(record.createdAtMs).toISOString(),
    }));
    return c.json({ items }, 200);
  })
  .openapi(checkRoute, async (c) => {
    const result = await c.get("billhook").entitlements.checkUnits(c.req.valid("query"));
    if (result.code === "RATE_LIMITED") throw new RateLimitedError(result);
    if ("rateLimit" in result)
      for (const [name, value] of Object.entries(rateLimitHeaders(result.rateLimit))) c.header(name, value);
    return c.json(result, 200);
  })
  .openapi(entitlementsRoute, async (c) => {
    const rows = await c.get("billhook").entitlements.listActive(c.req.valid("param").customerId);
    const items = rows.map((row) => ({
      feature: row.featureKey,
      catalogKey: row.catalogKey,
      sourceKind: row.sourceKind,
      sourceId: row.sourceId,
      activeUntil: row.activeUntilMs === null ? null : new Date(row.activeUntilMs).toISOString(),
    }));
    return c.json({ items }, 200);
  })
  .openapi(checkoutRoute, async (c) =>
    c.json(await c.get("billhook").checkouts.create(c.req.valid("json")), 201),
  )
  .openapi(portalRoute, async (c) => {
    const { customerId: id } = c.req.valid("param");
    const provider = c.get("billhook").provider;
    if (!provider) throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    const body = c.req.valid("json") ?? {};
    return c.json(
      await provider.createPortalSession({
        externalCustomerId: id,
        ...(body.returnUrl ? { returnUrl: body.returnUrl } : {}),
      }),
      200,
    );
  })
  .openapi(ensureCustomerRoute, async (c) => {
    const customer = await c.get("billhook").customers.ensure(c.req.valid("json"));
    return c.json(
      {
        id: customer.id,
        email: customer.email,
        provider: customer.provider,
        providerCustomerId: customer.providerCustomerId,
      },
      200,
    );
  });
