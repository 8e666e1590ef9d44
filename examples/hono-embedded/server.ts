/**
 * Billhook embedded in a Hono app: the engine runs in-process, its API is mounted under `/billing`,
 * and the app's own routes are gated with `requireFeature` and metered with `meter`.
 *
 * Run: `npx tsx examples/hono-embedded/server.ts` (SQLite file in ./.billhook).
 */
import { serve } from "@hono/node-server";
import { createBillhook, createHttpApp, meter, requireFeature, resolveConfig } from "billhook";
import { nodeWebhookNetwork, openStorage, startWorker } from "billhook/node";
import { type Context, Hono } from "hono";

const billhook = createBillhook({
  storage: openStorage({ databaseUrl: process.env.DATABASE_URL }),
  config: resolveConfig(process.env, {
    catalog: {
      features: { api: { type: "metered", meter: "api_calls" } },
      meters: { api_calls: { event: "api.request" } },
      plans: {
        pro: {
          name: "Pro",
          price: { amountMinor: 1200, currency: "USD" },
          interval: "month",
          features: ["api"],
          limits: { api_calls: { limit: 1000, overage: "block" } },
        },
      },
    },
  }),
  // Pins each outbound webhook connection to a vetted address (see docs/webhooks.md).
  webhookNetwork: nodeWebhookNetwork(),
});
await billhook.storage.migrate();
startWorker(billhook); // retries provider webhooks, delivers outbound webhooks, sweeps credits

const customerId = (c: Context) => c.req.header("x-user-id");
const app = new Hono()
  .route("/billing", createHttpApp(billhook))
  .post(
    "/api/generate",
    requireFeature(billhook, "api", { customerId }),
    meter(billhook, "api.request", { customerId }),
    (c) => c.json({ image: "…" }),
  );

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
