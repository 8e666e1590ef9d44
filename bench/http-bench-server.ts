/**
 * Serves both sides of the HTTP benchmark from one child process, so the load generator (in the
 * parent) does not share an event loop with the servers it measures. Prints one JSON line when ready.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { resolveConfig } from "../src/config/index.js";
import { createBillhook } from "../src/engine.js";
import { createHttpApp } from "../src/http/app.js";
import { withNodeRequestIo } from "../src/node/node-request-io.js";
import { PolarProvider } from "../src/providers/polar/polar-provider.js";
import { openStorage } from "../src/storage/open-storage.js";
import { testCatalog } from "../src/testing/polar-harness.js";

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  return new Promise((resolve) => {
    serve({ fetch: withNodeRequestIo(fetch), port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
}

const directory = mkdtempSync(join(tmpdir(), "billhook-bench-http-"));
process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
process.on("SIGTERM", () => process.exit(0));

const storage = openStorage({ databaseUrl: join(directory, "http.db") });
await storage.migrate();
const webhookSecret = "whsec_bench_secret_0123456789";
const billhook = createBillhook({
  storage,
  config: resolveConfig({}, testCatalog),
  // Only signature verification is exercised: the API URL is never called.
  provider: new PolarProvider({
    accessToken: "polar_oat_bench",
    serverUrl: "http://127.0.0.1:9",
    webhookSecret,
  }),
});
await storage.transaction((stores) =>
  billhook.billing.apply(stores, "polar", {
    kind: "subscription",
    subscription: {
      providerSubscriptionId: "sub_bench",
      externalCustomerId: "user_1",
      providerProductId: "prod_pro",
      catalogKey: "pro",
      status: "active",
      cancelAtPeriodEnd: false,
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      pastDueAt: null,
      endedAt: null,
      modifiedAt: new Date(),
    },
  }),
);
const { secret } = await billhook.apiKeys.create({ scope: "server", name: "bench" });
const { transaction } = await billhook.ledger.post({
  id: "bench_seed",
  entries: [
    { account: { kind: "clearing", ownerId: "", currency: "USD" }, amountMinor: -100 },
    { account: { kind: "wallet", ownerId: "user_1", currency: "USD" }, amountMinor: 100 },
  ],
});

const bareUrl = await listen(new Hono().get("/hello", (c) => c.json({ hello: "world" })).fetch);
const billhookUrl = await listen(createHttpApp(billhook).fetch);
console.log(
  JSON.stringify({
    bareUrl,
    billhookUrl,
    secret,
    webhookSecret,
    accountId: transaction.entries[1]!.accountId,
  }),
);
