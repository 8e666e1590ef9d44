import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { ManualClock } from "../kernel/index.js";
import { describeEachDialect } from "../testing/storage-matrix.js";
import { expressMeter, expressRequireFeature } from "./express-glue.js";
import { withFeature, withMeter } from "./next-glue.js";
import { meter, requireFeature } from "./require-feature.js";

const catalog = {
  features: { api: { type: "metered", meter: "api_calls" }, export: {} },
  meters: { api_calls: { event: "api.request" } },
  plans: {
    pro: {
      name: "Pro",
      price: { amountMinor: 1200, currency: "USD" },
      interval: "month",
      features: ["api", "export"],
      limits: { api_calls: { limit: 100, overage: "block" } },
    },
  },
};

describeEachDialect("framework glue: gate and meter in Hono, Express and Next.js", (fixture) => {
  let billhook: Billhook;
  const used = async (customerId: string) => (await billhook.usage.quota(customerId, "api_calls")).used;

  beforeAll(async () => {
    billhook = createBillhook({
      storage: fixture.storage(),
      clock: new ManualClock(),
      config: resolveConfig({}, { catalog }),
    });
    await billhook.storage.transaction((stores) =>
      stores.entitlements.replaceForSource(
        "subscription",
        "sub_glue",
        ["api", "export"].flatMap((featureKey) =>
          ["hono_user", "express_user", "next_user"].map((customerId) => ({
            customerId,
            featureKey,
            sourceKind: "subscription" as const,
            sourceId: "sub_glue",
            catalogKey: "pro",
            activeUntilMs: null,
            lapseCode: null,
          })),
        ),
        0,
      ),
    );
  });

  it("Hono: meter counts a 2xx once per idempotency key and nothing for an error or a denial", async () => {
    const customerId = (c: { req: { header(name: string): string | undefined } }) => c.req.header("x-user");
    const app = new Hono().post(
      "/generate",
      requireFeature(billhook, "api", { customerId }),
      meter(billhook, "api.request", { customerId }),
      (c) => (c.req.query("fail") ? c.text("boom", 500) : c.text("done")),
    );
    const call = (user: string, key: string, fail = false) =>
      app.request(`/generate${fail ? "?fail=1" : ""}`, {
        method: "POST",
        headers: { "x-user": user, "idempotency-key": key },
      });

    expect((await call("hono_user", "k1")).status).toBe(200);
    expect((await call("hono_user", "k1")).status).toBe(200); // a retry of the same request
    expect((await call("hono_user", "k2", true)).status).toBe(500);
    expect((await call("stranger", "k3")).status).toBe(403);
    expect(await used("hono_user")).toBe(1);
    expect(await used("stranger")).toBe(0);
  });

  it("Express: the same gate and meter on a real Node server, with structurally typed req/res", async () => {
    type Req = IncomingMessage & { user?: string };
    const gate = expressRequireFeature<Req>(billhook, "export", { customerId: (req) => req.user });
    const count = expressMeter<Req>(billhook, "api.request", { customerId: (req) => req.user });
    const server = createServer((req: Req, res: ServerResponse) => {
      req.user = req.headers["x-user"] as string | undefined;
      gate(req, res, () => count(req, res, () => res.writeHead(201).end("exported")));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export`;
    try {
      const allowed = await fetch(url, { headers: { "x-user": "express_user", "x-request-id": "r1" } });
      expect(allowed.status).toBe(201);
      const denied = await fetch(url, { headers: { "x-user": "nobody" } });
      expect(denied.status).toBe(403);
      expect(denied.headers.get("content-type")).toBe("application/problem+json");
      expect(await denied.json()).toMatchObject({ code: "SUBSCRIPTION_REQUIRED", feature: "export" });
      expect((await fetch(url)).status).toBe(401);
      // Express meters on the response's 'finish', after the answer: wait for it, with room for a
      // loaded machine (expect.poll's default is 1 s).
      await expect.poll(() => used("express_user"), { timeout: 20_000 }).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("Next.js: withFeature and withMeter wrap an App Router handler", async () => {
    const customerId = (request: Request) => request.headers.get("x-user-id") ?? undefined;
    const POST = withFeature(
      billhook,
      "api",
      { customerId },
      withMeter(billhook, "api.request", { customerId }, async () => Response.json({ ok: true })),
    );
    const call = (user: string, key: string) =>
      POST(
        new Request("http://app/api/generate", {
          method: "POST",
          headers: { "x-user-id": user, "idempotency-key": key },
        }),
        {},
      );
    expect((await call("next_user", "n1")).status).toBe(200);
    expect((await call("next_user", "n2")).status).toBe(200);
    expect((await call("anonymous", "n3")).status).toBe(403);
    expect(await used("next_user")).toBe(2);
  });
});
