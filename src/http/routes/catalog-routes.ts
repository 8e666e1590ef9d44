import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { HttpEnv } from "../http-env.js";
import {
  customerIdSchema as customerId,
  jsonResponse,
  problemResponse,
  problemResponses,
} from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";

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

export const diffRoute = createRoute(
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

export const productsRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/products",
    tags: ["Billing"],
    summary: "What can be bought, with whether this customer already has it.",
    request: { query: z.object({ customerId }) },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              key: z.string(),
              kind: z.string(),
              name: z.string(),
              description: z.string().nullable(),
              price: z.record(z.string(), z.unknown()),
              interval: z.string().nullable(),
              features: z.array(z.string()),
              credits: z
                .object({ type: z.string(), amount: z.number().int().nullable() })
                .nullable()
                .openapi({ description: "Credit packs: the credit type and how many credits it grants." }),
              entitled: z.boolean(),
            }),
          ),
        }),
        "The products.",
      ),
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
  .openapi(productsRoute, async (c) => {
    const { catalog, entitlements } = c.get("billhook");
    const held = new Set(
      (await entitlements.listActive(c.req.valid("query").customerId)).map((row) => row.catalogKey),
    );
    const items = catalog.entries.map((entry) => ({
      key: entry.key,
      kind: entry.kind,
      name: entry.name,
      description: entry.description,
      price: entry.price as Record<string, unknown>,
      interval: entry.interval,
      features: entry.features,
      credits: entry.creditPack
        ? { type: entry.creditPack.creditType, amount: entry.creditPack.amount }
        : null,
      entitled: held.has(entry.key),
    }));
    return c.json({ items }, 200);
  });
