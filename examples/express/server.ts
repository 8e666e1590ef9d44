/**
 * Billhook embedded in an Express app. Express is this example's dependency, not Billhook's: the
 * helpers are typed structurally, so any Express `req`/`res` fits.
 */
import { createBillhook, expressMeter, expressRequireFeature, resolveConfig } from "billhook";
import { nodeWebhookNetwork, openStorage, startWorker } from "billhook/node";
import express, { type Request } from "express";

const billhook = createBillhook({
  storage: openStorage({ databaseUrl: process.env.DATABASE_URL }),
  config: resolveConfig(process.env, {
    catalog: {
      features: { export: {}, api: { type: "metered", meter: "api_calls" } },
      meters: { api_calls: { event: "api.request" } },
    },
  }),
  webhookNetwork: nodeWebhookNetwork(),
});
await billhook.storage.migrate();
startWorker(billhook);

const customerId = (req: Request) => req.header("x-user-id");
const app = express();
app.get("/export", expressRequireFeature(billhook, "export", { customerId }), (_req, res) => {
  res.send("report.csv");
});
app.post(
  "/api/generate",
  expressRequireFeature(billhook, "api", { customerId }),
  expressMeter(billhook, "api.request", { customerId }),
  (_req, res) => {
    res.json({ image: "…" });
  },
);
app.listen(Number(process.env.PORT ?? 3000));
