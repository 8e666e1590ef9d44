/**
 * Serves both sides of the HTTP benchmark from one child process, so the load generator (in the
 * parent) does not share an event loop with the servers it measures. Prints one JSON line when ready.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createBillhook } from "../src/engine.js";
import { createHttpApp } from "../src/http/app.js";
import { openStorage } from "../src/storage/open-storage.js";

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  return new Promise((resolve) => {
    serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(`http://127.0.0.1:${info.port}`));
  });
}

const directory = mkdtempSync(join(tmpdir(), "billhook-bench-http-"));
process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
process.on("SIGTERM", () => process.exit(0));

const storage = openStorage({ databaseUrl: join(directory, "http.db") });
await storage.migrate();
const billhook = createBillhook({ storage });
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
console.log(JSON.stringify({ bareUrl, billhookUrl, secret, accountId: transaction.entries[1]!.accountId }));
