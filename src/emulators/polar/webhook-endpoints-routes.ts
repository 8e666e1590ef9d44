import type { Hono } from "hono";
import { z } from "zod";
import { serializeWebhookDelivery, serializeWebhookEndpoint } from "./billing-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { notFound, parseBody } from "./polar-errors.js";
import { paginate, queryBoolean, queryList } from "./polar-pagination.js";
import { POLAR_API_VERSION, POLAR_API_VERSIONS, type WebhookEndpointRecord } from "./polar-records.js";
import { polarToken } from "./polar-token.js";

const formatSchema = z.enum(["raw", "discord", "slack"]);
const endpointCreateSchema = z.object({
  url: z.string().url().max(2083),
  name: z.string().nullish(),
  format: formatSchema,
  events: z.array(z.string()),
  api_version: z.enum(POLAR_API_VERSIONS).default(POLAR_API_VERSION),
  organization_id: z.string().nullish(),
  // Deprecated in Polar: the server generates the secret, a supplied one is ignored.
  secret: z.string().nullish(),
});
const endpointUpdateSchema = z.object({
  url: z.string().url().max(2083).nullish(),
  name: z.string().nullish(),
  format: formatSchema.nullish(),
  events: z.array(z.string()).nullish(),
  enabled: z.boolean().nullish(),
  secret: z.string().nullish(),
});

function findEndpoint(runtime: PolarEmulatorRuntime, id: string): WebhookEndpointRecord {
  const endpoint = runtime.store.webhookEndpoints.get(id);
  if (!endpoint) throw notFound();
  return endpoint;
}

/**
 * A server-generated secret: `whsec_` + 37 alphanumerics + a 6-character CRC for Polar's original
 * scheme (its format since 2026-06-29), `whsec_` + base64 of 32 random bytes for Standard Webhooks.
 */
function newSecret(runtime: PolarEmulatorRuntime, scheme: WebhookEndpointRecord["signature_scheme"]): string {
  if (scheme !== "standard-base64") return polarToken(runtime.random, "whsec_");
  const bytes = Array.from({ length: 32 }, () => runtime.random.integer(256));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** Creates an endpoint with a server-generated `whsec_…` secret. */
export function createWebhookEndpoint(
  runtime: PolarEmulatorRuntime,
  input: {
    url: string;
    events: string[];
    name?: string | null;
    format?: WebhookEndpointRecord["format"];
    api_version?: string;
    signatureScheme?: WebhookEndpointRecord["signature_scheme"];
  },
): WebhookEndpointRecord {
  const scheme = input.signatureScheme ?? runtime.options.webhookSignatureScheme ?? "polar-utf8";
  return runtime.store.webhookEndpoints.put({
    id: runtime.newId(),
    created_at: runtime.nowIso(),
    modified_at: null,
    url: input.url,
    name: input.name ?? null,
    format: input.format ?? "raw",
    secret: newSecret(runtime, scheme),
    signature_scheme: scheme,
    events: input.events,
    api_version: input.api_version ?? POLAR_API_VERSION,
    enabled: true,
    consecutive_failed_events: 0,
  });
}

export function registerWebhookEndpointRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  const { store } = runtime;
  const render = (endpoint: WebhookEndpointRecord) => serializeWebhookEndpoint(store, endpoint);

  app.post("/v1/webhooks/endpoints", async (context) => {
    const body = await parseBody(context, endpointCreateSchema);
    return context.json(render(createWebhookEndpoint(runtime, body)), 201);
  });

  app.get("/v1/webhooks/endpoints", (context) =>
    context.json(paginate(context, store.webhookEndpoints.all(), render)),
  );

  app.get("/v1/webhooks/endpoints/:id", (context) =>
    context.json(render(findEndpoint(runtime, context.req.param("id")))),
  );

  app.patch("/v1/webhooks/endpoints/:id", async (context) => {
    const endpoint = findEndpoint(runtime, context.req.param("id"));
    const body = await parseBody(context, endpointUpdateSchema);
    if (body.url != null) endpoint.url = body.url;
    if (body.name !== undefined) endpoint.name = body.name ?? null;
    if (body.format != null) endpoint.format = body.format;
    if (body.events != null) endpoint.events = body.events;
    if (body.enabled != null) {
      // Re-enabling is the manual step Polar asks for after an auto-disable; the failure streak restarts.
      if (body.enabled && !endpoint.enabled) endpoint.consecutive_failed_events = 0;
      endpoint.enabled = body.enabled;
    }
    endpoint.modified_at = runtime.nowIso();
    return context.json(render(endpoint));
  });

  app.delete("/v1/webhooks/endpoints/:id", (context) => {
    findEndpoint(runtime, context.req.param("id"));
    store.webhookEndpoints.delete(context.req.param("id"));
    runtime.dispatcher.dropEndpoint(context.req.param("id"));
    return context.body(null, 204);
  });

  app.patch("/v1/webhooks/endpoints/:id/secret", (context) => {
    const endpoint = findEndpoint(runtime, context.req.param("id"));
    endpoint.secret = newSecret(runtime, endpoint.signature_scheme ?? "polar-utf8");
    endpoint.modified_at = runtime.nowIso();
    return context.json(render(endpoint));
  });

  app.get("/v1/webhooks/deliveries", (context) => {
    const endpoints = queryList(context, "endpoint_id");
    const succeeded = queryBoolean(context, "succeeded");
    const rows = store.webhookDeliveries.filter(
      (row) =>
        (!endpoints || endpoints.includes(row.endpoint_id)) &&
        (succeeded === undefined || row.succeeded === succeeded),
    );
    return context.json(paginate(context, rows, (delivery) => serializeWebhookDelivery(store, delivery)));
  });

  app.post("/v1/webhooks/events/:id/redeliver", (context) => {
    const event = store.webhookEvents.get(context.req.param("id"));
    if (!event || !store.webhookEndpoints.get(event.endpoint_id)) throw notFound();
    runtime.dispatcher.redeliver(event);
    return context.json(null, 202);
  });
}
