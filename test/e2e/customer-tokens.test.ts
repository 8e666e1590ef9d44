import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { ManualClock } from "../../src/kernel/index.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../../src/testing/test-engine.js";

const catalog = {
  features: { generate: { type: "credits", creditType: "images" }, export: {} },
  credits: { images: { unit: "image" } },
  meters: { api_calls: { event: "api.request" } },
  creditPacks: {
    images_100: {
      name: "100 images",
      creditType: "images",
      price: { amountMinor: 500, currency: "USD" },
      amount: 100,
    },
  },
};

/** Every route a customer token may call, for its own customer, with what it must answer. */
const ownRoutes = (customerId: string) => [
  ["GET", `/v1/customers/${customerId}/credits`],
  ["GET", `/v1/customers/${customerId}/entitlements`],
  ["GET", `/v1/customers/${customerId}/usage`],
  ["GET", `/v1/customers/${customerId}/checkouts`],
  ["GET", `/v1/products?customerId=${customerId}`],
  ["GET", `/v1/entitlements/check?customerId=${customerId}&feature=export`],
];

describeEachDialect("customer tokens", (fixture) => {
  let service: TestService;
  const origin = "https://app.example.com";

  beforeAll(async () => {
    service = await createTestService(fixture.storage(), {
      environment: { BILLHOOK_CORS_ORIGINS: `${origin}, http://localhost:5173/` },
    });
    // The catalog matters for the product and usage routes; rebuild with one that has credits and meters.
    const billhook = createBillhook({
      storage: fixture.storage(),
      clock: service.clock,
      config: resolveConfig({ BILLHOOK_CORS_ORIGINS: origin }, { catalog }),
    });
    service = { ...service, billhook, app: createHttpApp(billhook) };
  });
  afterAll(() => service?.billhook.changeBus.close());

  const call = (path: string, key: string, init: RequestInit = {}) =>
    service.app.request(path, authorized(key, init));
  const mint = async (customerId: string, body: unknown = {}) => {
    const response = await call(`/v1/customers/${customerId}/tokens`, service.serverKey, {
      method: "POST",
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { token: string; expiresAt: string };
  };

  it("mints a bh_ct_ token with a default 15-minute lifetime, at most an hour", async () => {
    const now = service.clock.now().getTime();
    const { token, expiresAt } = await mint("alice");
    expect(token).toMatch(/^bh_ct_/);
    expect(Date.parse(expiresAt) - now).toBe(15 * 60 * 1000);
    expect(Date.parse((await mint("alice", { ttlSeconds: 3600 })).expiresAt) - now).toBe(3600 * 1000);
    const tooLong = await call("/v1/customers/alice/tokens", service.serverKey, {
      method: "POST",
      body: JSON.stringify({ ttlSeconds: 3601 }),
    });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.json()).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("reads its own customer's entitlements, credits, usage, products and checkouts", async () => {
    const { token } = await mint("alice");
    for (const [method, path] of ownRoutes("alice")) {
      const response = await call(path!, token, { method: method! });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
    }
    const events = await call("/v1/customers/alice/events", token);
    expect(events.status).toBe(200);
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    await events.body?.cancel();
  });

  it("cannot read or buy for another customer (403, nothing created)", async () => {
    const { token } = await mint("alice");
    for (const [method, path] of [...ownRoutes("bob"), ["GET", "/v1/customers/bob/events"]]) {
      const response = await call(path!, token, { method: method! });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
    }
    const checkout = await call("/v1/checkouts", token, {
      method: "POST",
      body: JSON.stringify({
        customerId: "bob",
        product: "images_100",
        successUrl: "https://app.example.com/ok",
      }),
    });
    expect(checkout.status).toBe(403);
    expect(await service.billhook.checkouts.listOf("bob")).toEqual([]);
  });

  it("reaches no other route of the API, whatever it names", async () => {
    const { token } = await mint("alice");
    const spec = (await (await service.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    };
    let refused = 0;
    for (const [template, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Customer-facing routes are covered above; public ones (provider webhooks) check signatures.
        if (operation.security?.some((requirement) => "customerToken" in requirement)) continue;
        if (operation.security?.length === 0) continue;
        const path = template.replace(/\{[^}]+\}/g, "alice");
        const response = await call(`${path}?customerId=alice`, token, {
          method: method.toUpperCase(),
          ...(method === "get" ? {} : { body: JSON.stringify({ customerId: "alice" }) }),
        });
        if (!path.startsWith("/v1/")) continue;
        expect([401, 403, 404], `${method} ${path}`).toContain(response.status);
        if (response.status === 403) refused++;
      }
    }
    // Spend, grant, ledger, keys, settings, catalog push, token minting… all refused.
    expect(refused).toBeGreaterThan(10);
  });

  it("is refused once expired (401), and when tampered with", async () => {
    const { token } = await mint("carol", { ttlSeconds: 60 });
    expect((await call("/v1/customers/carol/credits", token)).status).toBe(200);
    service.clock.advance(60_000);
    const expired = await call("/v1/customers/carol/credits", token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: "UNAUTHORIZED" });

    const fresh = (await mint("carol")).token;
    const [claims, mac] = fresh.split(".");
    const forgedClaims = `bh_ct_${btoa(JSON.stringify({ c: "carol", x: 9_999_999_999 })).replace(/=+$/, "")}`;
    expect((await call("/v1/customers/carol/credits", `${forgedClaims}.${mac}`)).status).toBe(401);
    expect((await call("/v1/customers/carol/credits", `${claims}.${"A".repeat(mac!.length)}`)).status).toBe(
      401,
    );
  });

  it("is accepted by every instance on the same database (one shared secret)", async () => {
    const clock = new ManualClock(service.clock.now());
    const other = createBillhook({
      storage: fixture.openAnother(),
      clock,
      config: resolveConfig({}, { catalog }),
    });
    const { token } = await mint("dave");
    const response = await createHttpApp(other).request("/v1/customers/dave/credits", authorized(token));
    expect(response.status).toBe(200);
  });

  it("answers CORS preflights for the configured origins only", async () => {
    const preflight = (from: string) =>
      service.app.request("/v1/customers/alice/credits", {
        method: "OPTIONS",
        headers: {
          origin: from,
          "access-control-request-method": "GET",
          "access-control-request-headers": "authorization",
        },
      });
    const allowed = await preflight(origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(origin);
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    const other = await preflight("https://evil.example.com");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows a configured origin on the request itself, and says Vary: Origin with or without one", async () => {
    const { token } = await mint("alice");
    const get = (headers: Record<string, string>) =>
      service.app.request("/v1/customers/alice/credits", {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
    const browser = await get({ origin });
    expect(browser.status).toBe(200);
    expect(browser.headers.get("access-control-allow-origin")).toBe(origin);
    expect(browser.headers.get("vary")).toContain("Origin");
    const server = await get({});
    expect(server.status).toBe(200);
    expect(server.headers.get("access-control-allow-origin")).toBeNull();
    expect(server.headers.get("vary")).toBe("Origin");
    const stranger = await get({ origin: "https://evil.example.com" });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends the middleware's headers with a refusal: CORS for a browser, the request id and Vary for all", async () => {
    const { token } = await mint("alice");
    const refused = await service.app.request("/v1/customers/bob/credits", {
      headers: { authorization: `Bearer ${token}`, origin, "x-request-id": "req-refused-1" },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBe(origin);
    expect(refused.headers.get("x-request-id")).toBe("req-refused-1");
    expect(await refused.json()).toMatchObject({
      code: "FORBIDDEN",
      instance: "urn:billhook:request:req-refused-1",
    });
    const unknown = await service.app.request("/v1/no-such-route", {
      headers: { authorization: `Bearer ${token}`, origin },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("access-control-allow-origin")).toBe(origin);
    expect(unknown.headers.get("x-request-id")).toBeTruthy();
    // A server's refusals too say which request they answer, and vary by Origin like every answer.
    const serverRefused = await service.app.request("/v1/no-such-route", {
      headers: { authorization: `Bearer ${service.serverKey}`, "x-request-id": "req-refused-2" },
    });
    expect(serverRefused.status).toBe(404);
    expect(serverRefused.headers.get("x-request-id")).toBe("req-refused-2");
    expect(serverRefused.headers.get("vary")).toBe("Origin");
  });
});
