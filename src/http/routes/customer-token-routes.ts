import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { customerTokenLimits } from "../../modules/customer-tokens/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const customerId = z
  .string()
  .min(1)
  .max(customerTokenLimits.customerIdLengthMax)
  .openapi({ example: "user_123" });

export const customerTokenRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/customers/{customerId}/tokens",
    tags: ["Customer tokens"],
    summary:
      "Mint a short-lived token a browser may hold: it reads this customer's entitlements, credits, usage, products and events, and starts their checkouts — nothing else.",
    request: {
      params: z.object({ customerId }),
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z
              .object({
                ttlSeconds: z
                  .number()
                  .int()
                  .min(customerTokenLimits.ttlSecondsMin)
                  .max(customerTokenLimits.ttlSecondsMax)
                  .optional()
                  .openapi({ description: "Default 900 (15 minutes), at most 3600." }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        z.object({ token: z.string().openapi({ example: "bh_ct_…" }), expiresAt: z.string() }),
        "The token; send it as `Authorization: Bearer bh_ct_…`.",
      ),
      ...problemResponses,
    },
  }),
);

export const customerTokenRoutes = new OpenAPIHono<HttpEnv>().openapi(customerTokenRoute, async (c) => {
  const body = c.req.valid("json") ?? {};
  const minted = await c.get("billhook").customerTokens.mint({
    customerId: c.req.valid("param").customerId,
    ...(body.ttlSeconds !== undefined ? { ttlSeconds: body.ttlSeconds } : {}),
  });
  return c.json({ token: minted.token, expiresAt: minted.expiresAt.toISOString() }, 201);
});
