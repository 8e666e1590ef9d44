import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { HttpEnv } from "../http-env.js";
import { authenticate, requireScope } from "../middleware/authenticate.js";
import { jsonResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["Usage"];

const deadLetterSchema = z
  .object({
    id: z.number().int().openapi({ description: "The outbox entry: pass it to the retry endpoint." }),
    eventId: z.string().openapi({ description: "The id the provider deduplicates on (`external_id`)." }),
    customerId: z.string(),
    idempotencyKey: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deadAt: z.string().nullable(),
  })
  .openapi("UsageSyncDeadLetter");

export const usageSyncStatusRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/usage/sync",
    tags,
    summary: "Usage sync to the provider: backlog, lag and dead letters.",
    responses: {
      200: jsonResponse(
        z
          .object({
            enabled: z
              .boolean()
              .openapi({ description: "Whether the provider takes usage (else nothing is queued)." }),
            provider: z.string().nullable(),
            backlog: z
              .number()
              .int()
              .openapi({ description: "Events committed here and not yet delivered." }),
            leased: z.number().int().openapi({ description: "Of those, being sent by a worker right now." }),
            dead: z.number().int(),
            oldestPendingAt: z.string().nullable(),
            lagSeconds: z
              .number()
              .openapi({ description: "Age of the oldest undelivered event (0 when none)." }),
            deadLetters: z.array(deadLetterSchema).openapi({ description: "The first 100, oldest first." }),
          })
          .openapi("UsageSyncStatus"),
        "Where the sync stands.",
      ),
      ...problemResponses,
    },
  }),
);

export const usageSyncRetryRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/usage/sync/retry",
    tags,
    summary: "Requeue dead letters (all, or the given ids) with a fresh attempt budget.",
    request: {
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z
              .object({ ids: z.array(z.number().int().min(1)).min(1).max(10_000).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(z.object({ requeued: z.number().int() }), "How many went back to the queue."),
      ...problemResponses,
    },
  }),
);

export const usageSyncRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(usageSyncStatusRoute, async (c) => {
    const sync = c.get("billhook").usageSync;
    const [status, deadLetters] = await Promise.all([sync.status(), sync.deadLetters(100)]);
    return c.json(
      {
        ...status,
        deadLetters: deadLetters.map((letter) => ({
          id: letter.id,
          eventId: letter.eventId,
          customerId: letter.customerId,
          idempotencyKey: letter.idempotencyKey,
          attempts: letter.attempts,
          lastError: letter.lastError,
          createdAt: new Date(letter.createdAtMs).toISOString(),
          deadAt: letter.deadAtMs === null ? null : new Date(letter.deadAtMs).toISOString(),
        })),
      },
      200,
    );
  })
  .openapi(usageSyncRetryRoute, async (c) => {
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    return c.json(await c.get("billhook").usageSync.requeueDead(body.ids ?? null), 200);
  });

/**
 * `GET /metrics` in Prometheus text format: the usage sync's backlog, lag, leased and dead events.
 * It needs an admin key (`Authorization: Bearer …`, which Prometheus sends with `authorization:
 * credentials`) unless `METRICS_PUBLIC=true`.
 */
export const metricsRoutes = new Hono<HttpEnv>().get(
  "/metrics",
  async (c, next) => {
    if (c.get("billhook").config.environment.METRICS_PUBLIC === "true") return next();
    return authenticate(c, async () => {
      await requireScope("admin")(c, next);
    });
  },
  async (c) => {
    const status = await c.get("billhook").usageSync.status();
    const gauge = (name: string, help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
    const body = [
      gauge(
        "billhook_usage_sync_enabled",
        "1 when usage is queued for the provider.",
        status.enabled ? 1 : 0,
      ),
      gauge(
        "billhook_usage_sync_backlog_events",
        "Usage events committed and not yet delivered.",
        status.backlog,
      ),
      gauge(
        "billhook_usage_sync_lag_seconds",
        "Age of the oldest undelivered usage event.",
        status.lagSeconds,
      ),
      gauge("billhook_usage_sync_leased_events", "Usage events being sent by a worker.", status.leased),
      gauge("billhook_usage_sync_dead_events", "Usage events that exhausted their attempts.", status.dead),
    ].join("");
    return c.body(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  },
);
