import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { marketplaceLimits, type SellerDashboard } from "../../modules/marketplace/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { customerAccessible, open, secured } from "../route-access.js";
import {
  chargeSchema,
  chargeView,
  membershipSchema,
  membershipView,
  payoutSchema,
  payoutView,
  sellerSchema,
  sellerView,
  tierSchema,
  tierView,
  totalsSchema,
} from "./marketplace-views.js";

const tags = ["Marketplace"];
const sellerParams = z.object({ sellerId: z.string().min(1).max(100) });
const tierParams = sellerParams.extend({ tierId: z.string().min(1).max(100) });
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .openapi({ example: "USD" });
const customerId = z.string().min(1).max(200).openapi({ example: "viewer_42" });
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

function json<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

const createSellerRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers",
    tags,
    summary: "Create a seller with a connected account; answers a one-time onboarding link.",
    request: json(
      z
        .object({
          externalId: z.string().min(1).max(marketplaceLimits.externalIdLengthMax),
          email: z.email(),
          country: z.string().regex(/^[A-Z]{2}$/),
          handle: z.string().regex(marketplaceLimits.handlePattern).optional(),
        })
        .strict(),
    ),
    responses: {
      201: jsonResponse(z.object({ seller: sellerSchema, onboardingUrl: z.string() }), "Created."),
      200: jsonResponse(z.object({ seller: sellerSchema, onboardingUrl: z.string() }), "Already existed."),
      409: problemResponse("HANDLE_TAKEN, or UNSUPPORTED_BY_PROVIDER (Polar forbids a revenue share)."),
      ...problemResponses,
    },
  }),
);

const listSellersRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/sellers",
    tags,
    summary: "Every seller (admin).",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(marketplaceLimits.listLimitMax).default(50),
        after: z.string().optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(sellerSchema) }), "Sellers."),
      ...problemResponses,
    },
  }),
);

const getSellerRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/sellers/{sellerId}",
    tags,
    summary: "A seller and where their onboarding stands.",
    request: { params: sellerParams },
    responses: { 200: jsonResponse(sellerSchema, "The seller."), ...problemResponses },
  }),
);

const onboardingLinkRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/onboarding-link",
    tags,
    summary: "A fresh onboarding link (single use; expires in minutes).",
    request: { params: sellerParams },
    responses: {
      200: jsonResponse(z.object({ url: z.string(), expiresAt: z.string() }), "The link."),
      ...problemResponses,
    },
  }),
);

const tierFields = {
  name: z.string().min(1).max(marketplaceLimits.tierNameLengthMax),
  description: z.string().max(marketplaceLimits.tierDescriptionLengthMax).nullable().optional(),
  amountMinor: z
    .number()
    .int()
    .min(marketplaceLimits.tierAmountMinorMin)
    .max(marketplaceLimits.tierAmountMinorMax),
};

const createTierRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/tiers",
    tags,
    summary: "Create a membership tier; it exists at the provider before this answers.",
    request: {
      params: sellerParams,
      ...json(z.object({ ...tierFields, currency, interval: z.enum(["month", "year"]) }).strict()),
    },
    responses: { 201: jsonResponse(tierSchema, "The tier."), ...problemResponses },
  }),
);

const listTiersRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/sellers/{sellerId}/tiers",
    tags,
    summary: "Every tier of the seller, archived ones included.",
    request: { params: sellerParams },
    responses: { 200: jsonResponse(z.object({ items: z.array(tierSchema) }), "Tiers."), ...problemResponses },
  }),
);

const updateTierRoute = createRoute(
  secured("server", {
    method: "patch",
    path: "/v1/sellers/{sellerId}/tiers/{tierId}",
    tags,
    summary: "Rename or reprice a tier (a new price applies to new memberships).",
    request: { params: tierParams, ...json(z.object(tierFields).partial().strict()) },
    responses: { 200: jsonResponse(tierSchema, "The tier."), ...problemResponses },
  }),
);

const archiveTierRoute = createRoute(
  secured("server", {
    method: "post",
    path: "/v1/sellers/{sellerId}/tiers/{tierId}/archive",
    tags,
    summary: "Archive a tier: it can no longer be bought.",
    request: { params: tierParams },
    responses: { 200: jsonResponse(tierSchema, "The archived tier."), ...problemResponses },
  }),
);

const publicTiersRoute = createRoute(
  open({
    method: "get",
    path: "/v1/public/sellers/{handle}/tiers",
    tags,
    summary: "A seller's purchasable tiers, by handle; needs no key.",
    request: { params: z.object({ handle: z.string().min(1).max(40) }) },
    responses: {
      200: jsonResponse(
        z.object({ sellerId: z.string(), handle: z.string(), items: z.array(tierSchema) }),
        "Tiers.",
      ),
      ...problemResponses,
    },
  }),
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

const checkoutView = (checkout: { providerCheckoutId: string; url: string; expiresAt: Date | null }) => ({
  id: checkout.providerCheckoutId,
  url: checkout.url,
  expiresAt: checkout.expiresAt?.toISOString() ?? null,
});

export const marketplaceRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(createSellerRoute, async (c) => {
    const { seller, onboardingUrl, created } = await c
      .get("billhook")
      .marketplace.createSeller(c.req.valid("json"));
    return c.json({ seller: sellerView(seller), onboardingUrl }, created ? 201 : 200);
  })
  .openapi(listSellersRoute, async (c) => {
    const { limit, after } = c.req.valid("query");
    const sellers = await c.get("billhook").marketplace.reads.listSellers(limit, after ?? null);
    return c.json({ items: sellers.map(sellerView) }, 200);
  })
  .openapi(getSellerRoute, async (c) =>
    c.json(sellerView(await c.get("billhook").marketplace.getSeller(c.req.valid("param").sellerId)), 200),
  )
  .openapi(onboardingLinkRoute, async (c) => {
    const link = await c.get("billhook").marketplace.onboardingLink(c.req.valid("param").sellerId);
    return c.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 200);
  })
  .openapi(createTierRoute, async (c) => {
    const tier = await c
      .get("billhook")
      .marketplace.tiers.create(c.req.valid("param").sellerId, c.req.valid("json"));
    return c.json(tierView(tier), 201);
  })
  .openapi(listTiersRoute, async (c) => {
    const tiers = await c.get("billhook").marketplace.tiers.list(c.req.valid("param").sellerId);
    return c.json({ items: tiers.map(tierView) }, 200);
  })
  .openapi(updateTierRoute, async (c) => {
    const { sellerId, tierId } = c.req.valid("param");
    const tier = await c.get("billhook").marketplace.tiers.update(sellerId, tierId, c.req.valid("json"));
    return c.json(tierView(tier), 200);
  })
  .openapi(archiveTierRoute, async (c) => {
    const { sellerId, tierId } = c.req.valid("param");
    return c.json(tierView(await c.get("billhook").marketplace.tiers.archive(sellerId, tierId)), 200);
  })
  .openapi(publicTiersRoute, async (c) => {
    const list = await c.get("billhook").marketplace.tiers.publicList(c.req.valid("param").handle);
    return c.json({ sellerId: list.sellerId, handle: list.handle, items: list.tiers.map(tierView) }, 200);
  })
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
  .openapi(platformRoute, async (c) =>
    c.json({ items: await c.get("billhook").marketplace.reads.platformFeeIncome() }, 200),
  );
