import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { ApiKey } from "../../modules/api-keys/index.js";
import type { HttpEnv } from "../http-env.js";
import { apiKeySchema, jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["API keys"];

const listRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/api-keys",
    tags,
    summary: "All API keys (prefixes only; secrets are never stored).",
    responses: {
      200: jsonResponse(z.object({ items: z.array(apiKeySchema) }), "The keys."),
      ...problemResponses,
    },
  }),
);

const createKeyRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/api-keys",
    tags,
    summary: "Mint a key. The secret is in this response only.",
    request: {
      body: {
        content: {
          "application/json": {
            schema: z
              .object({ scope: z.enum(["admin", "server"]), name: z.string().min(1).max(100) })
              .strict(),
          },
        },
        required: true,
      },
    },
    responses: {
      201: jsonResponse(apiKeySchema.extend({ secret: z.string() }), "The new key, with its secret."),
      ...problemResponses,
    },
  }),
);

const revokeRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/api-keys/{keyId}/revoke",
    tags,
    summary: "Revoke a key (by id or prefix). Idempotent.",
    request: { params: z.object({ keyId: z.string().max(100) }) },
    responses: {
      200: jsonResponse(apiKeySchema, "The revoked key."),
      404: problemResponse("No such key."),
      ...problemResponses,
    },
  }),
);

export const apiKeyRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(listRoute, async (c) =>
    c.json({ items: (await c.get("billhook").apiKeys.list()).map(presentApiKey) }, 200),
  )
  .openapi(createKeyRoute, async (c) => {
    const { apiKey, secret } = await c.get("billhook").apiKeys.create(c.req.valid("json"));
    return c.json({ ...presentApiKey(apiKey), secret }, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const apiKey = await c.get("billhook").apiKeys.revoke(c.req.valid("param").keyId);
    return c.json(presentApiKey(apiKey), 200);
  });

function presentApiKey(apiKey: ApiKey) {
  return {
    id: apiKey.id,
    prefix: apiKey.prefix,
    scope: apiKey.scope,
    name: apiKey.name,
    createdAt: apiKey.createdAt.toISOString(),
    revokedAt: apiKey.revokedAt?.toISOString() ?? null,
  };
}
