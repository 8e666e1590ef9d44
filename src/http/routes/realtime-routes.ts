import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { HttpEnv } from "../http-env.js";
import { customerIdSchema as customerId, problemResponses } from "../openapi-schemas.js";
import { customerAccessible } from "../route-access.js";

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

export const realtimeRoutes = new OpenAPIHono<HttpEnv>().openapi(eventsRoute, (c) => {
  const { customerId: id } = c.req.valid("param");
  const controller = new AbortController();
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => controller.abort());
    for await (const event of c.get("billhook").events.watch(id, { signal: controller.signal })) {
      await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
    }
  }) as never;
});
