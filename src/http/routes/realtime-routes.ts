import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { BillhookError, newId } from "../../kernel/index.js";
import { simulatedPurchase } from "../../modules/billing/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";

const customerId = z.string().min(1).max(200).openapi({ example: "user_123" });
const tags = ["Realtime"];

const eventsRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/events",
    tags,
    summary:
      "Server-sent events: `snapshot` first, then `entitlements.changed`, `balance.changed`, `usage.changed`, `usage.threshold` (a meter's status changed) and `purchase` (a checkout succeeded, failed or expired) as they happen, on any instance.",
    request: { params: z.object({ customerId }) },
    responses: {
      200: { description: "An event stream.", content: { "text/event-stream": { schema: z.string() } } },
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

export const realtimeRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(eventsRoute, (c) => {
    const { customerId: id } = c.req.valid("param");
    const controller = new AbortController();
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      for await (const event of c.get("billhook").events.watch(id, { signal: controller.signal })) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
      }
    }) as never;
  })
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
