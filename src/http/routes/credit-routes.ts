import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { creditLimits } from "../../modules/credits/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";

const tags = ["Credits"];
const customerId = z.string().min(1).max(creditLimits.customerIdLengthMax).openapi({ example: "user_123" });
const creditType = z.string().min(1).max(32).openapi({ example: "images" });
const amount = z.number().int().min(1).max(creditLimits.amountMax);
const idempotencyKey = z
  .string()
  .min(1)
  .max(creditLimits.idempotencyKeyLengthMax)
  .openapi({ description: "Your key for this operation: repeating it changes nothing.", example: "job_81" });
const metadata = z
  .record(
    z.string().max(100),
    z.union([z.string().max(creditLimits.metadataValueLengthMax), z.number(), z.boolean(), z.null()]),
  )
  .optional();

const holdSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    type: z.string(),
    status: z.enum(["held", "committed", "released", "expired", "failed", "refunded"]),
    amountHeld: z.number().int(),
    amountCommitted: z.number().int().nullable(),
    expiresAt: z.string(),
    balance: z.number().int(),
    replayed: z.boolean(),
  })
  .openapi("CreditHold");

const balanceSchema = z
  .object({
    customerId: z.string(),
    type: z.string(),
    unit: z.string(),
    available: z.number().int(),
    held: z.number().int(),
    expiringSoon: z.array(z.object({ amount: z.number().int(), expiresAt: z.string() })),
  })
  .openapi("CreditBalance");

const insufficient = problemResponse(
  "INSUFFICIENT_CREDITS: the problem carries `balance`, `required` and `buyUrl`; nothing changed.",
);

function json<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

export const spendRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/credits/spend",
    tags,
    summary: "Spend credits at once; never below zero, under any concurrency.",
    request: json(z.object({ customerId, type: creditType, amount, idempotencyKey, metadata }).strict()),
    responses: {
      200: jsonResponse(
        z.object({ balance: z.number().int(), replayed: z.boolean() }),
        "Spent (or replayed).",
      ),
      402: insufficient,
      404: problemResponse("Unknown credit type."),
      ...problemResponses,
    },
  }),
);

export const holdRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/credits/holds",
    tags,
    summary: "Reserve credits for a job; released automatically when the hold expires.",
    request: json(
      z
        .object({
          customerId,
          type: creditType,
          amount,
          idempotencyKey,
          expiresInSeconds: z.number().int().min(1).max(creditLimits.holdTtlSecondsMax).optional(),
          metadata,
        })
        .strict(),
    ),
    responses: { 201: jsonResponse(holdSchema, "The hold."), 402: insufficient, ...problemResponses },
  }),
);

const holdId = z.object({ holdId: z.string().min(1).max(100) });
const settleResponses = {
  200: jsonResponse(holdSchema, "The hold after the operation (repeating it is a no-op)."),
  404: problemResponse("No such hold."),
  409: problemResponse("HOLD_NOT_ACTIVE: the hold was already settled otherwise, or expired."),
  ...problemResponses,
};

export const getHoldRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/credits/holds/{holdId}",
    tags,
    summary: "A hold and where it stands.",
    request: { params: holdId },
    responses: {
      200: jsonResponse(holdSchema, "The hold."),
      404: problemResponse("No such hold."),
      ...problemResponses,
    },
  }),
);

export const commitRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/credits/holds/{holdId}/commit",
    tags,
    summary: "Spend the actual amount (at most what is held); the rest returns to the balance.",
    request: {
      params: holdId,
      ...json(z.object({ amount: z.number().int().min(0).max(creditLimits.amountMax) }).strict()),
    },
    responses: settleResponses,
  }),
);

export const releaseRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/credits/holds/{holdId}/release",
    tags,
    summary: "Return every held credit.",
    request: { params: holdId },
    responses: settleResponses,
  }),
);

export const failRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/credits/holds/{holdId}/fail",
    tags,
    summary:
      "Report the job failed: releases an open hold; refunds a committed one once if refundOnFailure is on.",
    request: { params: holdId },
    responses: settleResponses,
  }),
);

export const grantRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/credits/grants",
    tags,
    summary: "Grant credits (admin or promotion), with an optional expiry and priority.",
    request: json(
      z
        .object({
          customerId,
          type: creditType,
          amount,
          idempotencyKey,
          expiresAt: z.iso.datetime().optional(),
          priority: z.number().int().min(0).max(creditLimits.priorityMax).optional(),
          reason: z.string().max(200).optional(),
        })
        .strict(),
    ),
    responses: {
      201: jsonResponse(
        z.object({ grantId: z.string(), balance: z.number().int(), replayed: z.boolean() }),
        "Granted.",
      ),
      404: problemResponse("Unknown credit type."),
      ...problemResponses,
    },
  }),
);

export const balancesRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/credits",
    tags,
    summary: "Every credit balance of the customer: available, held, expiring soon.",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(z.object({ items: z.array(balanceSchema) }), "The balances."),
      ...problemResponses,
    },
  }),
);

export const historyRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/customers/{customerId}/credits/{type}/history",
    tags,
    summary: "Every movement of one credit balance, newest first.",
    request: {
      params: z.object({ customerId, type: creditType }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(creditLimits.historyPageMax).default(50),
        before: z.coerce
          .number()
          .int()
          .min(1)
          .optional()
          .openapi({ description: "`nextBefore` of the previous page." }),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              sequence: z.number().int(),
              transactionId: z.string(),
              balance: z.enum(["available", "held"]),
              amount: z.number().int(),
              action: z.string(),
              description: z.string(),
              metadata: z.record(z.string(), z.unknown()),
              postedAt: z.string(),
            }),
          ),
          nextBefore: z.number().int().nullable(),
        }),
        "A page of history.",
      ),
      ...problemResponses,
    },
  }),
);

export const creditRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(spendRoute, async (c) => c.json(await c.get("billhook").credits.spend(c.req.valid("json")), 200))
  .openapi(holdRoute, async (c) => c.json(await c.get("billhook").credits.hold(c.req.valid("json")), 201))
  .openapi(getHoldRoute, async (c) =>
    c.json(await c.get("billhook").credits.getHold(c.req.valid("param").holdId), 200),
  )
  .openapi(commitRoute, async (c) =>
    c.json(
      await c.get("billhook").credits.commit(c.req.valid("param").holdId, c.req.valid("json").amount),
      200,
    ),
  )
  .openapi(releaseRoute, async (c) =>
    c.json(await c.get("billhook").credits.release(c.req.valid("param").holdId), 200),
  )
  .openapi(failRoute, async (c) =>
    c.json(await c.get("billhook").credits.fail(c.req.valid("param").holdId), 200),
  )
  .openapi(grantRoute, async (c) => {
    const { expiresAt, ...body } = c.req.valid("json");
    const granted = await c.get("billhook").credits.grant({
      ...body,
      ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
    });
    return c.json(granted, 201);
  })
  .openapi(balancesRoute, async (c) =>
    c.json({ items: await c.get("billhook").credits.balances(c.req.valid("param").customerId) }, 200),
  )
  .openapi(historyRoute, async (c) => {
    const { customerId: id, type } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const page = await c.get("billhook").credits.history({
      customerId: id,
      type,
      limit,
      ...(before ? { before } : {}),
    });
    return c.json(page, 200);
  });
