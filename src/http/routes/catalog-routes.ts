import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const actionSchema = z.object({
  kind: z.enum(["create", "update", "archive", "unchanged"]),
  key: z.string(),
  providerProductId: z.string().optional(),
  differences: z.array(z.string()).optional(),
});

const catalogRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/catalog",
    tags: ["Catalog"],
    summary: "The catalog declared in billhook.config.ts: features, plans, one-time products, tips.",
    responses: {
      200: jsonResponse(
        z.object({ features: z.array(z.unknown()), products: z.array(z.unknown()) }),
        "The catalog.",
      ),
      ...problemResponses,
    },
  }),
);

const diffRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/catalog/diff",
    tags: ["Catalog"],
    summary: "What a push would change at the provider.",
    responses: {
      200: jsonResponse(z.object({ actions: z.array(actionSchema) }), "The plan."),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

const pushRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/catalog/push",
    tags: ["Catalog"],
    summary: "Create, update or archive provider products so they match the catalog. Idempotent.",
    responses: {
      200: jsonResponse(z.object({ actions: z.array(actionSchema) }), "What was done."),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

const reconcileRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/reconcile",
    tags: ["Catalog"],
    summary: "Apply whatever changed at the provider that the webhook inbox missed.",
    responses: {
      200: jsonResponse(
        z.object({
          subscriptionsApplied: z.number().int(),
          ordersApplied: z.number().int(),
          unchanged: z.number().int(),
          webhookEndpointProblem: z.string().nullable(),
        }),
        "The report.",
      ),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

export const catalogRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(catalogRoute, (c) =>
    c.json(
      { features: [...c.get("billhook").catalog.features], products: [...c.get("billhook").catalog.entries] },
      200,
    ),
  )
  .openapi(diffRoute, async (c) => c.json({ actions: await c.get("billhook").catalogSync.diff() }, 200))
  .openapi(pushRoute, async (c) => c.json({ actions: await c.get("billhook").catalogSync.push() }, 200))
  .openapi(reconcileRoute, async (c) => c.json(await c.get("billhook").reconciler.run(), 200));
