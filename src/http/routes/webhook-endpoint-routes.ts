import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { domainEventTypes, sampleEventData } from "../../modules/domain-events/index.js";
import {
  type EndpointView,
  type OutboundDelivery,
  outboundLimits,
} from "../../modules/outbound-webhooks/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["Outbound webhooks"];
const id = z.string().min(1).max(100);
const eventTypes = z
  .array(z.string().min(1).max(100))
  .min(1)
  .max(outboundLimits.eventTypesMax)
  .openapi({ example: ["entitlements.changed", "subscription.*", "credits.low"] });
const url = z
  .string()
  .min(1)
  .max(outboundLimits.urlLengthMax)
  .openapi({ example: "https://app.example.com/webhooks/billhook" });
const description = z.string().max(outboundLimits.descriptionLengthMax);

const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    status: z.enum(["active", "paused", "disabled"]),
    pauseReason: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

const endpointWithSecret = endpointSchema
  .extend({ secret: z.string().openapi({ description: "The signing secret, `whsec_…`: shown only now." }) })
  .openapi("WebhookEndpointWithSecret");

const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().openapi({ description: "Sent as `webhook-id`." }),
    eventType: z.string(),
    status: z.enum(["pending", "delivered"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastResponseBody: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("OutboundWebhookDelivery");

function json<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

const params = z.object({ id });
const refused = problemResponse("WEBHOOK_URL_REFUSED: the URL's host is, or resolves to, a refused address.");

export const createEndpointRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/webhook-endpoints",
    tags,
    summary: "Register an endpoint for Billhook's events; the answer shows its signing secret once.",
    request: json(z.object({ url, eventTypes, description: description.optional() }).strict()),
    responses: { 201: jsonResponse(endpointWithSecret, "Registered."), ...problemResponses, 422: refused },
  }),
);

export const listEndpointsRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-endpoints",
    tags,
    summary: "Registered endpoints.",
    responses: {
      200: jsonResponse(z.object({ items: z.array(endpointSchema) }), "Endpoints."),
      ...problemResponses,
    },
  }),
);

export const getEndpointRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-endpoints/{id}",
    tags,
    summary: "One endpoint, with why it is paused if it is.",
    request: { params },
    responses: {
      200: jsonResponse(endpointSchema, "The endpoint."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
    },
  }),
);

export const updateEndpointRoute = createRoute(
  secured("admin", {
    method: "patch",
    path: "/v1/webhook-endpoints/{id}",
    tags,
    summary: "Change an endpoint's URL, events or description, or disable (enabled: false) / enable it.",
    request: {
      params,
      ...json(
        z
          .object({
            url: url.optional(),
            eventTypes: eventTypes.optional(),
            description: description.optional(),
            enabled: z.boolean().optional(),
          })
          .strict(),
      ),
    },
    responses: {
      200: jsonResponse(endpointSchema, "Updated."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
      422: refused,
    },
  }),
);

export const deleteEndpointRoute = createRoute(
  secured("admin", {
    method: "delete",
    path: "/v1/webhook-endpoints/{id}",
    tags,
    summary: "Remove an endpoint and its queued deliveries.",
    request: { params },
    responses: {
      200: jsonResponse(z.object({ deleted: z.boolean() }), "Deleted."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
    },
  }),
);

export const rotateSecretRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/webhook-endpoints/{id}/rotate-secret",
    tags,
    summary: "A new signing secret, shown once; the old one keeps signing alongside it for 24 hours.",
    request: { params },
    responses: {
      200: jsonResponse(endpointWithSecret, "Rotated."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
    },
  }),
);

export const resumeEndpointRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/webhook-endpoints/{id}/resume",
    tags,
    summary: "Resume a paused endpoint; its queued deliveries go out at once, in order.",
    request: { params },
    responses: {
      200: jsonResponse(endpointSchema, "Resumed."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
    },
  }),
);

export const listDeliveriesRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-endpoints/{id}/deliveries",
    tags,
    summary: "Deliveries to an endpoint, newest event first, with the last attempt's outcome.",
    request: {
      params,
      query: z.object({
        status: z.enum(["pending", "delivered"]).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(deliverySchema) }), "Deliveries."),
      404: problemResponse("No such endpoint."),
      ...problemResponses,
    },
  }),
);

export const redeliverRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver",
    tags,
    summary: "Send a delivery again (same webhook-id), delivered or not.",
    request: { params: z.object({ id, deliveryId: id }) },
    responses: {
      200: jsonResponse(deliverySchema, "Queued again."),
      404: problemResponse("No such delivery."),
      ...problemResponses,
    },
  }),
);

export const eventTypesRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/webhook-event-types",
    tags,
    summary: "Every event type an endpoint can subscribe to, with a sample of its data.",
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(z.object({ type: z.string(), sample: z.record(z.string(), z.unknown()) })),
        }),
        "Event types.",
      ),
      ...problemResponses,
    },
  }),
);

export const webhookEndpointRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(createEndpointRoute, async (c) => {
    const { endpoint, secret } = await c.get("billhook").outbound.endpoints.create(c.req.valid("json"));
    return c.json({ ...presentEndpoint(endpoint), secret }, 201);
  })
  .openapi(listEndpointsRoute, async (c) => {
    const items = await c.get("billhook").outbound.endpoints.list();
    return c.json({ items: items.map(presentEndpoint) }, 200);
  })
  .openapi(getEndpointRoute, async (c) => {
    return c.json(
      presentEndpoint(await c.get("billhook").outbound.endpoints.get(c.req.valid("param").id)),
      200,
    );
  })
  .openapi(updateEndpointRoute, async (c) => {
    const endpoint = await c
      .get("billhook")
      .outbound.endpoints.update(c.req.valid("param").id, c.req.valid("json"));
    return c.json(presentEndpoint(endpoint), 200);
  })
  .openapi(deleteEndpointRoute, async (c) => {
    await c.get("billhook").outbound.endpoints.delete(c.req.valid("param").id);
    return c.json({ deleted: true }, 200);
  })
  .openapi(rotateSecretRoute, async (c) => {
    const { endpoint, secret } = await c
      .get("billhook")
      .outbound.endpoints.rotateSecret(c.req.valid("param").id);
    return c.json({ ...presentEndpoint(endpoint), secret }, 200);
  })
  .openapi(resumeEndpointRoute, async (c) => {
    return c.json(
      presentEndpoint(await c.get("billhook").outbound.endpoints.resume(c.req.valid("param").id)),
      200,
    );
  })
  .openapi(listDeliveriesRoute, async (c) => {
    const items = await c
      .get("billhook")
      .outbound.endpoints.deliveries(c.req.valid("param").id, c.req.valid("query"));
    return c.json({ items: items.map(presentDelivery) }, 200);
  })
  .openapi(redeliverRoute, async (c) => {
    const { id: endpointId, deliveryId } = c.req.valid("param");
    const delivery = await c.get("billhook").outbound.endpoints.redeliver(endpointId, deliveryId);
    return c.json(presentDelivery(delivery), 200);
  })
  .openapi(eventTypesRoute, (c) =>
    c.json({ items: domainEventTypes.map((type) => ({ type, sample: sampleEventData(type) })) }, 200),
  );

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentEndpoint(endpoint: EndpointView) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    status: endpoint.status,
    pauseReason: endpoint.pauseReason,
    consecutiveFailures: endpoint.consecutiveFailures,
    createdAt: new Date(endpoint.createdAtMs).toISOString(),
    updatedAt: new Date(endpoint.updatedAtMs).toISOString(),
  };
}

function presentDelivery(delivery: OutboundDelivery) {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === "delivered" ? null : iso(delivery.nextAttemptAtMs),
    lastAttemptAt: iso(delivery.lastAttemptAtMs),
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastResponseBody: delivery.lastResponseBody,
    deliveredAt: iso(delivery.deliveredAtMs),
    createdAt: new Date(delivery.createdAtMs).toISOString(),
  };
}
