/**
 * `@polar-sh/hono`'s Checkout, CustomerPortal and Webhooks handlers (they bundle SDK 0.42 and take no
 * base URL, only `server: "sandbox"`), with the sandbox host routed to the in-process Polar emulator.
 */
import { type ServerType, serve } from "@hono/node-server";
import { Checkout, CustomerPortal, Webhooks } from "@polar-sh/hono";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPolarEmulator, startPolarEmulator } from "../../src/emulators/polar/index.js";

const SANDBOX_ORIGIN = "https://sandbox-api.polar.sh";

describe("@polar-sh/hono handlers against the Polar emulator", () => {
  let emulator: RunningPolarEmulator;
  let server: ServerType;
  let appUrl = "";
  let productId = "";
  let customerId = "";
  const payloads: Array<{ type: string }> = [];
  const originalFetch = globalThis.fetch;

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: 33, deliverySpeedFactor: 100_000 });
    // The handlers' SDK calls the sandbox host; every other request (webhook deliveries) goes out unchanged.
    globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(SANDBOX_ORIGIN)) return originalFetch(request);
      return originalFetch(new Request(request.url.replace(SANDBOX_ORIGIN, emulator.url), request));
    };
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${emulator.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${emulator.token}` },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { id: string };
    };
    productId = (
      await api("/v1/products/", { name: "Once", prices: [{ amount_type: "fixed", price_amount: 700 }] })
    ).id;
    customerId = (await api("/v1/customers/", { email: "ada@example.com", external_id: "user_ada" })).id;

    const app = new Hono();
    app.get(
      "/checkout",
      Checkout({ accessToken: emulator.token, server: "sandbox", successUrl: "https://app.example/thanks" }),
    );
    app.get(
      "/portal",
      CustomerPortal({
        accessToken: emulator.token,
        server: "sandbox",
        getCustomerId: async () => customerId,
      }),
    );
    server = serve({ fetch: app.fetch, port: 0, overrideGlobalObjects: false });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    appUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { secret } = emulator.webhooks.createEndpoint(`${appUrl}/webhooks`);
    app.post(
      "/webhooks",
      Webhooks({
        webhookSecret: secret,
        onPayload: async (payload) => {
          payloads.push(payload);
        },
      }),
    );
  });
  afterAll(async () => {
    globalThis.fetch = originalFetch;
    await emulator.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("redirects to a checkout created for the customer's external id", async () => {
    const response = await originalFetch(
      `${appUrl}/checkout?products=${productId}&customerExternalId=user_ada`,
      {
        redirect: "manual",
      },
    );
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(emulator.url)).toBe(true);
    const page = await originalFetch(location);
    expect(page.status).toBe(200);
  });

  it("redirects to the customer portal", async () => {
    const response = await originalFetch(`${appUrl}/portal`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("customer_session_token=polar_cst_");
  });

  it("verifies and parses the webhooks of a paid checkout with the SDK it bundles", async () => {
    const checkouts = await originalFetch(`${emulator.url}/v1/checkouts/`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    const [checkout] = ((await checkouts.json()) as { items: Array<{ id: string }> }).items;
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
    const failed = emulator.webhooks.deliveries().filter((delivery) => !delivery.succeeded);
    expect(failed.map((delivery) => delivery.response)).toEqual([]);
  });
});
