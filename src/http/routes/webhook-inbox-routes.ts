import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getRuntimeKey } from "hono/adapter";
import type { WebhookDelivery } from "../../modules/webhook-inbox/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { requestHeaders, requestText } from "../request-io.js";
import { open, secured } from "../route-access.js";

const providerWebhookRoute = createRoute(
  open({
    method: "post",
    path: "/v1/webhooks/{provider}",
    tags: ["Webhooks"],
    summary: "Provider webhook intake: verified on the raw body, stored, acknowledged; processed after.",
    request: { params: z.object({ provider: z.enum(["polar", "stripe"]) }) },
    responses: {
      202: jsonResponse(
        z.object({ received: z.boolean(), duplicate: z.boolean() }),
        "Stored (or already stored).",
      ),
      401: problemResponse("The signature, timestamp or headers do not verify; nothing was stored."),
    },
  }),
);

const deliverySchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    deliveryId: z.string(),
    eventType: z.string(),
    status: z.enum(["received", "processed", "ignored", "failed"]),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
    nextAttemptAt: z.string(),
  })
  .openapi("WebhookDelivery");

export const inboxDeliveriesRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-deliveries",
    tags: ["Webhooks"],
    summary: "Received provider deliveries, newest first.",
    request: {
      query: z.object({
        status: z.enum(["received", "processed", "ignored", "failed"]).optional(),
        eventType: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(deliverySchema) }), "Deliveries."),
      ...problemResponses,
    },
  }),
);

const getRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-deliveries/{id}",
    tags: ["Webhooks"],
    summary: "One delivery with its raw payload.",
    request: { params: z.object({ id: z.string().max(100) }) },
    responses: {
      200: jsonResponse(deliverySchema.extend({ payload: z.unknown() }), "The delivery."),
      404: problemResponse("No such delivery."),
      ...problemResponses,
    },
  }),
);

const replayRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/webhook-deliveries/{id}/replay",
    tags: ["Webhooks"],
    summary: "Process a stored delivery again (idempotent: applying twice changes nothing).",
    request: { params: z.object({ id: z.string().max(100) }) },
    responses: {
      200: jsonResponse(deliverySchema, "The delivery after processing."),
      404: problemResponse("No such delivery."),
      ...problemResponses,
    },
  }),
);

export const webhookInboxRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(providerWebhookRoute, async (c) => {
    const billhook = c.get("billhook");
    const rawBody = await requestText(c);
    const headers = requestHeaders(c);
    const { duplicate, queued } = await billhook.webhooks.receive(
      c.req.valid("param").provider,
      rawBody,
      headers,
    );
    if (!queued) return c.json({ received: true, duplicate }, 202);
    // Acknowledge at once; processing happens after the response (and again from the worker loop).
    const draining = billhook.webhooks
      .drain()
      .catch((error: unknown) => billhook.logger.error({ error: String(error) }, "webhook drain failed"));
    waitUntil(c, draining);
    return c.json({ received: true, duplicate }, 202);
  })
  .openapi(inboxDeliveriesRoute, async (c) => {
    const items = await c.get("billhook").webhooks.list(c.req.valid("query"));
    return c.json({ items: items.map(presentDelivery) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const delivery = await c.get("billhook").webhooks.get(c.req.valid("param").id);
    return c.json({ ...presentDelivery(delivery), payload: JSON.parse(delivery.payload) }, 200);
  })
  .openapi(replayRoute, async (c) => {
    const { id } = c.req.valid("param");
    await c.get("billhook").webhooks.replay({ id });
    return c.json(presentDelivery(await c.get("billhook").webhooks.get(id)), 200);
  });

/**
 * On Workers the runtime must be told to keep running after the response; on Node it just does.
 * (Asking Hono for a missing execution context throws, which is costly on every request.)
 */
function waitUntil(
  c: { executionCtx: { waitUntil(promise: Promise<unknown>): void } },
  work: Promise<unknown>,
): void {
  if (getRuntimeKey() === "workerd") c.executionCtx.waitUntil(work);
}

function presentDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    provider: delivery.provider,
    deliveryId: delivery.deliveryId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    receivedAt: new Date(delivery.receivedAtMs).toISOString(),
    processedAt: delivery.processedAtMs === null ? null : new Date(delivery.processedAtMs).toISOString(),
    nextAttemptAt: new Date(delivery.nextAttemptAtMs).toISOString(),
  };
}
