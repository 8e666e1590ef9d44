import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

/** The billing module's routes (subscriptions and orders): the reconciler, repairing what webhooks missed. */

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

export const billingRoutes = new OpenAPIHono<HttpEnv>().openapi(reconcileRoute, async (c) =>
  c.json(await c.get("billhook").reconciler.run(), 200),
);
