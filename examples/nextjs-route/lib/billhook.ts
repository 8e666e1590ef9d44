import { createBillhook, resolveConfig } from "billhook";
import { nodeWebhookNetwork, openStorage } from "billhook/node";

/** One engine per server process (Next.js reuses the module between requests). */
export const billhook = createBillhook({
  storage: openStorage({ databaseUrl: process.env.DATABASE_URL }),
  config: resolveConfig(process.env, {
    catalog: {
      features: { api: { type: "metered", meter: "api_calls" } },
      meters: { api_calls: { event: "api.request" } },
    },
  }),
  webhookNetwork: nodeWebhookNetwork(),
});
