import { z } from "zod";
import type { WebhookEndpointObject } from "./billing-records.js";
import { expandParam, formBool, mergeMetadata, metadataParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { resourceMissing } from "./stripe-errors.js";
import { listParams, paginate } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const createSchema = z.object({
  url: z.string().url(),
  enabled_events: z.array(z.string()).min(1),
  description: z.string().optional(),
  metadata: metadataParam,
  api_version: z.string().optional(),
  connect: formBool.optional(),
  expand: expandParam,
});
const updateSchema = z.object({
  url: z.string().url().optional(),
  enabled_events: z.array(z.string()).min(1).optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  disabled: formBool.optional(),
  expand: expandParam,
});

/** Creates an endpoint with its own `whsec_…` secret and returns it with the secret (the only time it is shown). */
export function createWebhookEndpoint(
  runtime: StripeEmulatorRuntime,
  input: {
    url: string;
    enabledEvents: string[];
    description?: string;
    metadata?: Record<string, string>;
    apiVersion?: string;
    /** Receives connected accounts' events (with `account`) instead of the platform's. */
    connect?: boolean;
  },
): WebhookEndpointObject & { secret: string } {
  const endpoint: WebhookEndpointObject = {
    id: runtime.newId("we_", 24),
    object: "webhook_endpoint",
    created: runtime.nowSeconds(),
    livemode: false,
    url: input.url,
    enabled_events: input.enabledEvents,
    api_version: input.apiVersion ?? null,
    application: null,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    status: "enabled",
  };
  const secret = `whsec_${runtime.random.alphanumeric(32)}`;
  runtime.store.webhookEndpoints.put(endpoint);
  runtime.store.endpointSecrets.put({ id: endpoint.id, secret });
  if (input.connect) runtime.store.connectEndpoints.put({ id: endpoint.id });
  return { ...endpoint, secret };
}

function findEndpoint(runtime: StripeEmulatorRuntime, id: string): WebhookEndpointObject {
  const endpoint = runtime.store.webhookEndpoints.get(id);
  if (!endpoint) throw resourceMissing("webhook_endpoint", id, "id");
  return endpoint;
}

export function registerWebhookEndpointRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/webhook_endpoints", async (context) => {
    const body = await readForm(context, runtime, createSchema);
    const endpoint = createWebhookEndpoint(runtime, {
      url: body.url,
      enabledEvents: body.enabled_events,
      description: body.description,
      metadata: mergeMetadata({}, body.metadata),
      apiVersion: body.api_version,
      connect: body.connect ?? false,
    });
    return context.json(endpoint);
  });

  app.post("/v1/webhook_endpoints/:id", async (context) => {
    const endpoint = findEndpoint(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, updateSchema);
    if (body.url !== undefined) endpoint.url = body.url;
    if (body.enabled_events !== undefined) endpoint.enabled_events = body.enabled_events;
    if (body.description !== undefined) endpoint.description = body.description || null;
    if (body.disabled !== undefined) endpoint.status = body.disabled ? "disabled" : "enabled";
    endpoint.metadata = mergeMetadata(endpoint.metadata, body.metadata);
    return context.json(endpoint);
  });

  app.delete("/v1/webhook_endpoints/:id", (context) => {
    const endpoint = findEndpoint(runtime, context.req.param("id"));
    store.webhookEndpoints.delete(endpoint.id);
    store.endpointSecrets.delete(endpoint.id);
    return context.json({ id: endpoint.id, object: "webhook_endpoint", deleted: true });
  });

  registerWebhookEndpointReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerWebhookEndpointReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.get("/v1/webhook_endpoints/:id", (context) =>
    context.json(findEndpoint(runtime, context.req.param("id"))),
  );

  app.get("/v1/webhook_endpoints", (context) => {
    const query = readQuery(context, z.object(listParams));
    return context.json(paginate(store.webhookEndpoints.all(), "/v1/webhook_endpoints", query));
  });

  app.get("/v1/events/:id", (context) => {
    const event = store.events.get(context.req.param("id"));
    if (!event) throw resourceMissing("event", context.req.param("id"), "id");
    return context.json(event);
  });

  app.get("/v1/events", (context) => {
    const query = readQuery(
      context,
      z.object({
        ...listParams,
        type: z.string().optional(),
        types: z.array(z.string()).optional(),
        delivery_success: formBool.optional(),
      }),
    );
    const typeMatches = (type: string) => {
      if (query.type)
        return query.type.endsWith("*") ? type.startsWith(query.type.slice(0, -1)) : type === query.type;
      return !query.types || query.types.includes(type);
    };
    const rows = store.events.filter(
      (row) =>
        typeMatches(row.type) &&
        (query.delivery_success === undefined || (row.pending_webhooks === 0) === query.delivery_success),
    );
    return context.json(paginate(rows, "/v1/events", query));
  });
}
