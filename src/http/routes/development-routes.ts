import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BillhookError, newId } from "../../kernel/index.js";
import { simulatedPurchase } from "../../modules/billing/index.js";
import type { HttpEnv } from "../http-env.js";
import {
  customerIdSchema as customerId,
  jsonResponse,
  problemResponse,
  problemResponses,
} from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const simulateRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/dev/simulate-success",
    tags: ["Development"],
    summary:
      "Development only (absent in production): apply a successful payment for a product as a webhook would.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ customerId, product: z.string().min(1).max(64) }).strict(),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(z.object({ id: z.string(), applied: z.string() }), "Applied."),
      404: problemResponse("Unknown product (or production, where this route does not exist)."),
      ...problemResponses,
    },
  }),
);

/** Registered only outside production, so there it is a plain 404 and absent from the spec. */
export const developmentRoutes = new OpenAPIHono<HttpEnv>().openapi(simulateRoute, async (c) => {
  const billhook = c.get("billhook");
  const { customerId: id, product } = c.req.valid("json");
  const entry = billhook.catalog.find(product);
  if (!entry)
    throw new BillhookError("UNKNOWN_PRODUCT", `The catalog has no product "${product}".`, { product });
  const simulatedId = newId("sim");
  const event = simulatedPurchase(entry, id, simulatedId, billhook.clock.now());
  // Through the engine's applier, as a webhook is: customers' streams hear of it the moment it commits.
  const applied = await billhook.applyProviderEvent("dev", event);
  return c.json({ id: simulatedId, applied }, 200);
});
