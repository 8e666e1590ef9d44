import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { usageLimits } from "../../modules/usage/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";

const tags = ["Usage"];
const customerId = z.string().min(1).max(usageLimits.customerIdLengthMax).openapi({ example: "user_123" });

const usageEventSchema = z
  .object({
    customerId,
    event: z.string().min(1).max(usageLimits.eventNameLengthMax).openapi({ example: "api.request" }),
    value: z.number().optional().openapi({ description: "Defaults to 1." }),
    properties: z
      .record(
        z.string().max(usageLimits.propertyKeyLengthMax),
        z.union([z.string(), z.number(), z.boolean(), z.null()]),
      )
      .optional(),
    timestamp: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "When it happened; defaults to now; at most 5 minutes ahead." }),
    idempotencyKey: z
      .string()
      .min(1)
      .max(usageLimits.idempotencyKeyLengthMax)
      .openapi({ description: "Your id for the event: sent again, it is a duplicate, counted once." }),
  })
  .strict()
  .openapi("UsageEvent");

/** One usage event as a client writes it (the typed client reads its type from here). */
export type UsageEventBody = z.input<typeof usageEventSchema>;

const usageBatchSchema = z
  .object({ events: z.array(usageEventSchema).min(1).max(usageLimits.batchEventsMax) })
  .strict()
  .openapi("UsageBatch");

/** One event is accepted as a batch of one, so every validation issue names its index (`events.0.…`). */
const ingestBody = z.preprocess(
  (body) => (typeof body === "object" && body !== null && !("events" in body) ? { events: [body] } : body),
  usageBatchSchema,
);

export const ingestRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/usage",
    tags,
    summary: "Record usage: one event, or a batch of up to 1,000 applied atomically.",
    description:
      "A bad event refuses the whole batch (422, issues named `events.<index>.<field>`) and records nothing. " +
      "Events whose idempotency key this customer already used are counted as duplicates and change nothing.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: ingestBody.openapi({
              description: "`{ events: [UsageEvent, …] }`, or one `UsageEvent` on its own (a batch of one).",
            }),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(
        z.object({ inserted: z.number().int(), duplicates: z.number().int() }).openapi("UsageIngestResult"),
        "Recorded: how many events were new, and how many were duplicates.",
      ),
      ...problemResponses,
    },
  }),
);

const meterStatusSchema = z
  .object({
    meter: z.string(),
    name: z.string(),
    consumed: z.number(),
    credited: z.number().nullable().openapi({ description: "Units included this period; null = unlimited." }),
    remaining: z.number().nullable(),
    percentUsed: z.number().nullable(),
    status: z.enum(["ok", "warning", "critical", "exceeded"]),
    overage: z.enum(["block", "allow_overage"]).nullable(),
    periodStart: z.string(),
    resetsAt: z.string(),
  })
  .openapi("MeterStatus");

export const usageStatusRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/usage",
    tags,
    summary: "Every meter's use this period, for a health bar: ok, warning, critical or exceeded.",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(
        z.object({ customerId: z.string(), items: z.array(meterStatusSchema) }),
        "The customer's usage.",
      ),
      404: problemResponse("Unknown meter."),
      ...problemResponses,
    },
  }),
);

export const usageRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(ingestRoute, async (c) =>
    c.json(await c.get("billhook").usage.ingest(c.req.valid("json").events), 200),
  )
  .openapi(usageStatusRoute, async (c) => {
    const id = c.req.valid("param").customerId;
    return c.json({ customerId: id, items: await c.get("billhook").usage.status(id) }, 200);
  });
