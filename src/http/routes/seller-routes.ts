import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { marketplaceLimits } from "../../modules/marketplace/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse, problemResponses } from "../openapi-schemas.js";
import { open, secured } from "../route-access.js";
import { currency, json, sellerParams, tags } from "./marketplace-params.js";
import { sellerSchema, sellerView, tierSchema, tierView } from "./marketplace-views.js";

// Sellers and their membership tiers. Mounted just before `marketplaceRoutes`, so the OpenAPI
// document lists the marketplace's routes in one run.

const tierParams = sellerParams.extend({ tierId: z.string().min(1).max(100) });

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

export const sellerRoutes = new OpenAPIHono<HttpEnv>()
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
  });
