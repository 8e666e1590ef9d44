import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { marketplaceLimits, type SellerDashboard } from "../../modules/marketplace/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { customerAccessible, secured } from "../route-access.js";
import { currency, customerId, json, sellerParams, tags } from "./marketplace-params.js";
import {
  chargeSchema,
  chargeView,
  disputeSchema,
  disputeView,
  membershipSchema,
  membershipView,
  payoutSchema,
  payoutView,
  sellerSchema,
  sellerView,
  totalsSchema,
} from "./marketplace-views.js";

// Buying from sellers, their earnings and payouts, refunds, viewers' memberships and the platform's
// fee income. The seller and tier routes are in `seller-routes.ts`.

const checkoutFields = {
  customerId,
  email: z.email().optional(),
  successUrl: z.url(),
  returnUrl: z.url().optional(),
};
const checkoutSchema = z.object({ id: z.string(), url: z.string(), expiresAt: z.string().nullable() });
const notReady = problemResponse(
  "SELLER_NOT_READY: the seller's account cannot take charges yet; nothing changed.",
);

const membershipCheckoutRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/memberships/checkout",
    tags,
    summary: "Checkout for a membership: a subscription paid to the seller, less the platform fee.",
    request: { params: sellerParams, ...json(z.object({ ...checkoutFields, tierId: z.string() }).strict()) },
    responses: { 201: jsonResponse(checkoutSchema, "Open the url."), 409: notReady, ...problemResponses },
  }),
);

const tipCheckoutRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/tips/checkout",
    tags,
    summary: "Checkout for a tip of a buyer-chosen amount; the fee is exact for that amount.",
    request: {
      params: sellerParams,
      ...json(z.object({ ...checkoutFields, amountMinor: z.number().int(), currency }).strict()),
    },
    responses: { 201: jsonResponse(checkoutSchema, "Open the url."), 409: notReady, ...problemResponses },
  }),
);

const dashboardSchema = z
  .object({
    seller: sellerSchema,
    totals: z.array(totalsSchema),
    charges: z.array(chargeSchema),
    payouts: z.array(payoutSchema),
  })
  .openapi("SellerDashboard");

const dashboardRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/sellers/{sellerId}/dashboard",
    tags,
    summary: "Totals (pending, available, paid, lifetime), charges with the fee bps of each, payouts.",
    request: { params: sellerParams },
    responses: { 200: jsonResponse(dashboardSchema, "The dashboard."), ...problemResponses },
  }),
);

/**
 * The seller's own dashboard, by your id for them (their `externalId`): the one marketplace read a
 * browser may make, with a customer token minted for that id (`<SellerPayouts>`). A token for
 * another id is 403; every other seller route still needs a secret key.
 */
export const sellerDashboardOfCustomerRoute = createRoute(
  customerAccessible("server", {
    method: "get",
    path: "/v1/customers/{customerId}/seller-dashboard",
    tags,
    summary: "The dashboard of the seller whose externalId is this customer id (customer tokens allowed).",
    request: {
      params: z.object({ customerId }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(marketplaceLimits.listLimitMax).default(20),
      }),
    },
    responses: {
      200: jsonResponse(dashboardSchema, "The dashboard."),
      404: problemResponse("NOT_FOUND: no seller has this externalId."),
      ...problemResponses,
    },
  }),
);

const dashboardBody = (dashboard: SellerDashboard) => ({
  seller: sellerView(dashboard.seller),
  totals: dashboard.totals,
  charges: dashboard.charges.map(chargeView),
  payouts: dashboard.payouts.map(payoutView),
});

const payoutRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/payouts",
    tags,
    summary: "Pay out available earnings to the seller's bank (all of them unless amountMinor is given).",
    request: {
      params: sellerParams,
      ...json(
        z
          .object({
            currency,
            amountMinor: z.number().int().min(1).optional(),
            idempotencyKey: z.string().min(1).max(200),
          })
          .strict(),
      ),
    },
    responses: {
      201: jsonResponse(
        z.object({ providerPayoutId: z.string(), amountMinor: z.number().int(), currency: z.string() }),
        "Requested.",
      ),
      402: problemResponse("INSUFFICIENT_BALANCE: more than is available."),
      ...problemResponses,
    },
  }),
);

const refundRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/marketplace/charges/{paymentId}/refund",
    tags,
    summary:
      "Refund (part of) a seller's charge; the seller's share and the fee are reversed proportionally.",
    request: {
      params: z.object({ paymentId: z.string().min(1).max(200) }),
      ...json(z.object({ amountMinor: z.number().int().min(1).optional() }).strict()),
    },
    responses: {
      202: jsonResponse(z.object({ requested: z.boolean() }), "Requested at the provider."),
      ...problemResponses,
      409: problemResponse(
        "CHARGE_DISPUTED: the charge is disputed and cannot be refunded; nothing changed.",
      ),
    },
  }),
);

const membershipsRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/customers/{customerId}/memberships",
    tags,
    summary: "The viewer's memberships.",
    request: { params: z.object({ customerId }) },
    responses: {
      200: jsonResponse(z.object({ items: z.array(membershipSchema) }), "Memberships."),
      ...problemResponses,
    },
  }),
);

const platformRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/marketplace/summary",
    tags,
    summary: "The platform's fee income (and provider fees) per currency (admin).",
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              currency: z.string(),
              feeIncomeMinor: z.number().int(),
              providerFeesMinor: z.number().int(),
            }),
          ),
        }),
        "Fee income.",
      ),
      ...problemResponses,
    },
  }),
);

const disputesRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/marketplace/disputes",
    tags,
    summary:
      "Disputes on sellers' charges, newest first (admin): what each holds back and whether a lost one was recovered from the seller.",
    request: {
      query: z.object({
        recovery: z.enum(["due", "done"]).optional(),
        limit: z.coerce.number().int().min(1).max(marketplaceLimits.listLimitMax).default(50),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(disputeSchema) }), "Disputes."),
      ...problemResponses,
    },
  }),
);

const checkoutView = (checkout: { providerCheckoutId: string; url: string; expiresAt: Date | null }) => ({
  id: checkout.providerCheckoutId,
  url: checkout.url,
  expiresAt: checkout.expiresAt?.toISOString() ?? null,
});

export const marketplaceRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(membershipCheckoutRoute, async (c) => {
    const checkout = await c
      .get("billhook")
      .marketplace.checkoutMembership(c.req.valid("param").sellerId, c.req.valid("json"));
    return c.json(checkoutView(checkout), 201);
  })
  .openapi(tipCheckoutRoute, async (c) => {
    const checkout = await c
      .get("billhook")
      .marketplace.checkoutTip(c.req.valid("param").sellerId, c.req.valid("json"));
    return c.json(checkoutView(checkout), 201);
  })
  .openapi(dashboardRoute, async (c) => {
    const dashboard = await c.get("billhook").marketplace.reads.dashboard(c.req.valid("param").sellerId);
    return c.json(dashboardBody(dashboard), 200);
  })
  .openapi(sellerDashboardOfCustomerRoute, async (c) => {
    const dashboard = await c
      .get("billhook")
      .marketplace.reads.dashboardOfExternalId(c.req.valid("param").customerId, c.req.valid("query").limit);
    return c.json(dashboardBody(dashboard), 200);
  })
  .openapi(payoutRoute, async (c) =>
    c.json(
      await c.get("billhook").marketplace.requestPayout(c.req.valid("param").sellerId, c.req.valid("json")),
      201,
    ),
  )
  .openapi(refundRoute, async (c) => {
    await c
      .get("billhook")
      .marketplace.refundCharge(c.req.valid("param").paymentId, c.req.valid("json").amountMinor);
    return c.json({ requested: true }, 202);
  })
  .openapi(membershipsRoute, async (c) => {
    const memberships = await c
      .get("billhook")
      .marketplace.reads.memberships(c.req.valid("param").customerId);
    return c.json({ items: memberships.map(membershipView) }, 200);
  })
  .openapi(disputesRoute, async (c) => {
    const disputes = await c.get("billhook").marketplace.reads.disputes(c.req.valid("query"));
    return c.json({ items: disputes.map(disputeView) }, 200);
  })
  .openapi(platformRoute, async (c) =>
    c.json({ items: await c.get("billhook").marketplace.reads.platformFeeIncome() }, 200),
  );
