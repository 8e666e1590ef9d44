/**
 * `@polar-sh/nextjs`'s Checkout, CustomerPortal and Webhooks route handlers (they bundle SDK 0.47 and take
 * no base URL, only `server: "sandbox"`), called with `NextRequest`s built here — no Next.js server — with
 * the sandbox host routed to the in-process Polar emulator and the emulator's webhook deliveries handed
 * to the Webhooks handler as `NextRequest`s.
 */
import { createRequire } from "node:module";
import { NextRequest } from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPolarEmulator, startPolarEmulator } from "../../../src/emulators/polar/index.js";

// The package's ESM build imports `next/server` without an extension, which only a bundler (Next.js's own)
// resolves; plain Node (and vitest's externalized node_modules) loads its CommonJS build, the same code.
const { Checkout, CustomerPortal, Webhooks } = createRequire(import.meta.url)(
  "@polar-sh/nextjs",
) as typeof import("@polar-sh/nextjs", { with: { "resolution-mode": "require" }});

const SANDBOX_ORIGIN = "https://sandbox-api.polar.sh";
const APP_ORIGIN = "https://app.example";
const WEBHOOK_URL = `${APP_ORIGIN}/api/webhook/polar`;

interface Delivery {
  headers: Record<string, string>;
  body: string;
  status: number;
}

describe("@polar-sh/nextjs route handlers against the Polar emulator", () => {
  let emulator: RunningPolarEmulator;
  let productId = "";
  let customerId = "";
  let webhooks: ((request: NextRequest) => Promise<Response>) | undefined;
  const payloads: Array<{ type: string }> = [];
  const ordersPaid: string[] = [];
  const checkoutsUpdated: string[] = [];
  const deliveries: Delivery[] = [];
  const originalFetch = globalThis.fetch;

  // The emulator delivers to the app's webhook route: the request becomes a NextRequest for the handler.
  const deliver = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.url !== WEBHOOK_URL || !webhooks) return originalFetch(request);
    const body = await request.text();
    const response = await webhooks(
      new NextRequest(request.url, { method: "POST", headers: request.headers, body }),
    );
    deliveries.push({ headers: Object.fromEntries(request.headers), body, status: response.status });
    return response;
  };

  const api = async (path: string, body: unknown) => {
    const response = await originalFetch(`${emulator.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${emulator.token}` },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { id: string };
  };

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: 34, deliverySpeedFactor: 100_000, fetch: deliver });
    // The handlers' SDK calls the sandbox host; every other request goes out unchanged.
    globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(SANDBOX_ORIGIN)) return originalFetch(request);
      return originalFetch(new Request(request.url.replace(SANDBOX_ORIGIN, emulator.url), request));
    };
    productId = (
      await api("/v1/products/", { name: "Once", prices: [{ amount_type: "fixed", price_amount: 700 }] })
    ).id;
    customerId = (await api("/v1/customers/", { email: "ada@example.com", external_id: "user_ada" })).id;
    const { secret } = emulator.webhooks.createEndpoint(WEBHOOK_URL);
    webhooks = Webhooks({
      webhookSecret: secret,
      onPayload: async (payload) => {
        payloads.push(payload);
      },
      onOrderPaid: async (payload) => {
        ordersPaid.push(payload.data.id);
      },
      onCheckoutUpdated: async (payload) => {
        checkoutsUpdated.push(payload.data.id);
      },
    });
  });
  afterAll(async () => {
    globalThis.fetch = originalFetch;
    await emulator.close();
  });

  it("redirects to a checkout created for the customer's external id", async () => {
    const checkout = Checkout({
      accessToken: emulator.token,
      server: "sandbox",
      successUrl: `${APP_ORIGIN}/thanks`,
    });
    const response = await checkout(
      new NextRequest(`${APP_ORIGIN}/checkout?products=${productId}&customerExternalId=user_ada`),
    );
    expect(response.status).toBe(307);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(emulator.url)).toBe(true);
    const page = await originalFetch(location);
    expect(page.status).toBe(200);

    const listed = await originalFetch(`${emulator.url}/v1/checkouts/`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    const [created] = (
      (await listed.json()) as {
        items: Array<{ url: string; customer_id: string | null; success_url: string }>;
      }
    ).items;
    expect(created?.url).toBe(location);
    expect(created?.customer_id).toBe(customerId);
    expect(created?.success_url).toBe(`${APP_ORIGIN}/thanks?checkoutId={CHECKOUT_ID}`);
  });

  it("answers 400 without products, before calling Polar", async () => {
    const checkout = Checkout({ accessToken: emulator.token, server: "sandbox" });
    const response = await checkout(new NextRequest(`${APP_ORIGIN}/checkout`));
    expect(response.status).toBe(400);
  });

  it("redirects to the customer portal of the customer getCustomerId returns", async () => {
    const portal = CustomerPortal({
      accessToken: emulator.token,
      server: "sandbox",
      getCustomerId: async () => customerId,
    });
    const response = await portal(new NextRequest(`${APP_ORIGIN}/portal`));
    expect(response.status).toBe(307);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(emulator.url)).toBe(true);
    expect(location).toContain("customer_session_token=polar_cst_");
    const page = await originalFetch(location);
    expect(page.status).toBe(200);
  });

  it("verifies the emulator's signed deliveries of a paid checkout and fires the typed callbacks", async () => {
    const listed = await originalFetch(`${emulator.url}/v1/checkouts/`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    const [checkout] = ((await listed.json()) as { items: Array<{ id: string }> }).items;
    const paid = await originalFetch(`${emulator.url}/_emulator/checkouts/${checkout!.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
    await emulator.webhooks.idle();

    expect(payloads.map((payload) => payload.type)).toEqual(
      expect.arrayContaining(["order.paid", "checkout.updated"]),
    );
    expect(ordersPaid).toHaveLength(1);
    expect(checkoutsUpdated).toContain(checkout!.id);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
    const failed = emulator.webhooks.deliveries().filter((delivery) => !delivery.succeeded);
    expect(failed.map((delivery) => delivery.response)).toEqual([]);
  });

  it("refuses forged deliveries with 403 and fires no callback", async () => {
    const genuine = deliveries.find((delivery) => delivery.body.includes('"order.paid"'));
    const handler = webhooks!;
    const seen = payloads.length;
    const tampered = genuine!.body.replace('"order.paid"', '"order.refunded"');
    expect(tampered).not.toBe(genuine!.body);
    const forged = [
      // a genuine signature over a changed body
      { headers: genuine!.headers, body: tampered },
      // a well-formed signature made with another key
      {
        headers: {
          ...genuine!.headers,
          "webhook-signature": `v1,${Buffer.alloc(32, 7).toString("base64")}`,
        },
        body: genuine!.body,
      },
      // no signature at all
      { headers: { "content-type": "application/json" }, body: genuine!.body },
    ];
    for (const { headers, body } of forged) {
      const response = await handler(new NextRequest(WEBHOOK_URL, { method: "POST", headers, body }));
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ received: false });
    }
    expect(payloads).toHaveLength(seen);

    // The genuine delivery, replayed unchanged, still verifies.
    const replayed = await handler(
      new NextRequest(WEBHOOK_URL, { method: "POST", headers: genuine!.headers, body: genuine!.body }),
    );
    expect(replayed.status).toBe(200);
    expect(payloads).toHaveLength(seen + 1);
  });
});
