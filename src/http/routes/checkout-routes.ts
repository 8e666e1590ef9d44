import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { HttpEnv } from "../http-env.js";
import {
  customerIdSchema as customerId,
  jsonResponse,
  problemResponse,
  problemResponses,
} from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";

/** The checkout module's routes: hosted checkouts, embedded payments, and a customer's checkouts. */

const tags = ["Billing"];

export const checkoutRoute = createRoute(
  customerAccessible("server", {
    method: "post",
    path: "/v1/checkouts",
    tags,
    summary: "Start a hosted checkout for a catalog product.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({
                customerId,
                product: z.string().min(1).max(64),
                amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
                successUrl: z.url(),
                returnUrl: z.url().optional(),
                email: z.email().optional(),
                name: z.string().max(200).optional(),
                metadata: z.record(z.string().max(40), z.string().max(500)).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        z.object({ id: z.string(), url: z.string(), product: z.string() }),
        "The checkout to send the buyer to.",
      ),
      404: problemResponse("Unknown product."),
      409: problemResponse("Already entitled, or the catalog was not pushed to the provider."),
      502: problemResponse("The provider failed; nothing was written."),
      ...problemResponses,
    },
  }),
);

export const checkoutsOfRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/checkouts",
    tags,
    summary:
      "The customer's checkouts, newest first, with their outcome (a declined payment shows as failed).",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              product: z.string(),
              status: z.enum(["open", "expired", "confirmed", "succeeded", "failed"]),
              url: z.string(),
              amountMinor: z.number().int().nullable(),
              createdAt: z.string(),
            }),
          ),
        }),
        "The checkouts.",
      ),
      ...problemResponses,
    },
  }),
);

export const paymentIntentRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/payment-intents",
    tags,
    summary:
      "Start a payment the app collects in its own page (Stripe Elements) for a one-time product; the outcome arrives by webhook.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ customerId, product: z.string().min(1).max(64), email: z.email().optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        z.object({
          id: z.string(),
          clientSecret: z.string(),
          publishableKey: z.string().nullable(),
          amountMinor: z.number().int(),
          currency: z.string(),
        }),
        "Confirm it in the browser with the client secret.",
      ),
      404: problemResponse("Unknown product."),
      409: problemResponse("Already entitled, or the provider cannot take embedded payments."),
      502: problemResponse("The provider failed; nothing was written."),
      ...problemResponses,
    },
  }),
);

export const checkoutRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(paymentIntentRoute, async (c) =>
    c.json(await c.get("billhook").checkouts.createPaymentIntent(c.req.valid("json")), 201),
  )
  .openapi(checkoutsOfRoute, async (c) => {
    const records = await c.get("billhook").checkouts.listOf(c.req.valid("param").customerId);
    const items = records.map((record) => ({
      id: record.id,
      product: record.catalogKey,
      status: record.status,
      url: record.url,
      amountMinor: record.amountMinor,
      createdAt: new Date(record.createdAtMs).toISOString(),
    }));
    return c.json({ items }, 200);
  })
  .openapi(checkoutRoute, async (c) =>
    c.json(await c.get("billhook").checkouts.create(c.req.valid("json")), 201),
  );
