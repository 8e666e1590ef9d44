import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BillhookError } from "../../kernel/index.js";
import type { HttpEnv } from "../http-env.js";
import {
  customerIdSchema as customerId,
  jsonResponse,
  problemResponse,
  problemResponses,
} from "../openapi-schemas.js";
import { secured } from "../route-access.js";

/** The customers module's routes: a customer made sure of at the provider, and its portal. */

const tags = ["Billing"];

export const portalRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/customers/{customerId}/portal",
    tags,
    summary: "A link to the provider's customer portal (subscriptions, invoices, payment method).",
    request: {
      params: z.object({ customerId }),
      body: {
        required: false,
        content: { "application/json": { schema: z.object({ returnUrl: z.url().optional() }).strict() } },
      },
    },
    responses: {
      200: jsonResponse(z.object({ url: z.string() }), "The portal URL."),
      404: problemResponse("The provider has no customer with this id (create it with POST /v1/customers)."),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

export const ensureCustomerRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/customers",
    tags,
    summary: "Make sure the customer exists at the provider, created by external id or linked by email.",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z
              .object({ customerId, email: z.email().optional(), name: z.string().max(200).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: jsonResponse(
        z.object({
          id: z.string(),
          email: z.string().nullable(),
          provider: z.string(),
          providerCustomerId: z.string().nullable(),
        }),
        "The customer.",
      ),
      502: problemResponse("The provider failed."),
      ...problemResponses,
    },
  }),
);

export const customerRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(portalRoute, async (c) => {
    const { customerId: id } = c.req.valid("param");
    const provider = c.get("billhook").provider;
    if (!provider) throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    const body = c.req.valid("json") ?? {};
    return c.json(
      await provider.createPortalSession({
        externalCustomerId: id,
        ...(body.returnUrl ? { returnUrl: body.returnUrl } : {}),
      }),
      200,
    );
  })
  .openapi(ensureCustomerRoute, async (c) => {
    const customer = await c.get("billhook").customers.ensure(c.req.valid("json"));
    return c.json(
      {
        id: customer.id,
        email: customer.email,
        provider: customer.provider,
        providerCustomerId: customer.providerCustomerId,
      },
      200,
    );
  });
