import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Billhook } from "../../engine.js";
import type { HttpEnv } from "../http-env.js";
import {
  customerIdSchema as customerId,
  jsonResponse,
  problemResponse,
  problemResponses,
} from "../openapi-schemas.js";
import { RateLimitedError, rateLimitHeaders } from "../rate-limit-headers.js";
import { customerAccessible } from "../route-access.js";

/** The entitlements module's routes: `check` and a customer's active entitlements. */

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

/**
 * What `check` answers, for the route below and for its lean door (`lean-check.ts`) alike: the two
 * differ only in the middleware chain the lean door skips. A request over its rate limit throws the
 * 429 problem (with its headers); an answer carries the rate-limit headers of a limited feature.
 */
export async function answerCheck(
  billhook: Billhook,
  query: z.infer<typeof checkQuerySchema>,
): Promise<{ body: z.infer<typeof checkResultSchema>; headers: Record<string, string> }> {
  const result = await billhook.entitlements.checkUnits(query);
  if (result.code === "RATE_LIMITED") throw new RateLimitedError(result);
  return { body: result, headers: "rateLimit" in result ? rateLimitHeaders(result.rateLimit) : {} };
}

export const entitlementRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(checkRoute, async (c) => {
    const answer = await answerCheck(c.get("billhook"), c.req.valid("query"));
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    return c.json(answer.body, 200);
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
  });
