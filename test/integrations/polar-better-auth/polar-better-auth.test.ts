/**
 * `@polar-sh/better-auth` as an app installs it — with the `@polar-sh/sdk` it pins (this folder's own
 * node_modules), a real better-auth instance on the memory adapter, and its webhooks plugin behind a
 * local HTTP server — against the in-process Polar emulator.
 */
import { type ServerType, serve } from "@hono/node-server";
import { checkout, polar, portal, usage, webhooks } from "@polar-sh/better-auth";
import { Polar } from "@polar-sh/sdk";
import { SDK_METADATA } from "@polar-sh/sdk/lib/config.js";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPolarEmulator, startPolarEmulator } from "../../../src/emulators/polar/index.js";

const BASE_URL = "http://localhost:3000";

function startAuth(emulator: RunningPolarEmulator, productId: string, webhookSecret: () => string) {
  const received: Array<{ type: string; data: { id: string } }> = [];
  const client = new Polar({ accessToken: emulator.token, serverURL: emulator.url });
  const database = { user: [], session: [], account: [], verification: [] };
  const auth = betterAuth({
    baseURL: BASE_URL,
    secret: "integration-test-secret-of-32-characters",
    database: memoryAdapter(database),
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      polar({
        client,
        createCustomerOnSignUp: true,
        use: [
          checkout({
            products: [{ productId, slug: "pro" }],
            successUrl: "/success",
            authenticatedUsersOnly: true,
          }),
          portal(),
          usage(),
          webhooks({
            get secret() {
              return webhookSecret();
            },
            onPayload: async (payload) => {
              received.push(payload as unknown as { type: string; data: { id: string } });
            },
          }),
        ],
      }),
    ],
  });
  return { auth, received };
}

describe("@polar-sh/better-auth with the SDK it pins, against the Polar emulator", () => {
  let emulator: RunningPolarEmulator;
  let server: ServerType;
  let auth: ReturnType<typeof startAuth>["auth"];
  let received: ReturnType<typeof startAuth>["received"];
  let cookie = "";
  let userId = "";
  let secret = "";

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await auth.handler(
      new Request(`${BASE_URL}/api/auth${path}`, {
        method,
        headers: { "content-type": "application/json", origin: BASE_URL, cookie },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const setCookie = response.headers.getSetCookie().map((value) => value.split(";")[0]);
    if (setCookie.length > 0) cookie = setCookie.join("; ");
    return {
      status: response.status,
      // biome-ignore lint/suspicious/noExplicitAny: the test reads answers as loose JSON
      json: (await response.json().catch(() => null)) as Record<string, any>,
    };
  };
  const admin = async (path: string) => {
    const response = await fetch(`${emulator.url}${path}`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads answers as loose JSON
    return (await response.json()) as Record<string, any>;
  };

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: 31, deliverySpeedFactor: 100_000 });
    const product = await new Polar({ accessToken: emulator.token, serverURL: emulator.url }).products.create(
      {
        name: "Pro",
        recurringInterval: "month",
        prices: [{ amountType: "fixed", priceAmount: 1900 }],
      },
    );
    ({ auth, received } = startAuth(emulator, product.id, () => secret));
    server = serve({ fetch: (request) => auth.handler(request), port: 0, overrideGlobalObjects: false });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const port = (server.address() as { port: number }).port;
    secret = emulator.webhooks.createEndpoint(`http://127.0.0.1:${port}/api/auth/polar/webhooks`).secret;
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("runs on the SDK the plugin pins, not Billhook's own", () => {
    expect(SDK_METADATA.sdkVersion).toMatch(/^0\.47\./);
  });

  it("signs up and links the Polar customer by external id", async () => {
    const signUp = await call("POST", "/sign-up/email", {
      email: "ada@example.com",
      password: "correct horse battery",
      name: "Ada",
    });
    expect(signUp.status).toBe(200);
    userId = signUp.json.user.id;
    const customer = await admin(`/v1/customers/external/${userId}`);
    expect(customer).toMatchObject({ email: "ada@example.com", external_id: userId });
  });

  it("checks out by slug; the checkout knows the customer, so paying needs no email", async () => {
    const started = await call("POST", "/checkout", { slug: "pro" });
    expect(started.status).toBe(200);
    const checkoutId = new URL(started.json.url).pathname.split("/").pop();
    const checkouts = await admin(`/v1/checkouts/?external_customer_id=${userId}`);
    const created = checkouts.items[0];
    expect(created.url).toBe(started.json.url);
    expect(created).toMatchObject({ external_customer_id: userId, customer_email: "ada@example.com" });
    expect(checkoutId).toBeTruthy();
    const paid = await fetch(`${emulator.url}/_emulator/checkouts/${created.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
  });

  it("verifies every webhook in the webhooks plugin (answers 2xx, so none is retried)", async () => {
    await emulator.webhooks.idle();
    const types = received.map((payload) => payload.type);
    expect(types).toEqual(
      expect.arrayContaining(["order.paid", "subscription.active", "customer.state_changed"]),
    );
    const failed = emulator.webhooks.deliveries().filter((delivery) => !delivery.succeeded);
    expect(failed).toEqual([]);
  });

  it("serves the customer state, the portal and the list routes through the customer-portal API", async () => {
    const state = await call("GET", "/customer/state");
    expect(state.status).toBe(200);
    expect(state.json.activeSubscriptions).toHaveLength(1);
    const subscriptions = await call("GET", "/customer/subscriptions/list");
    expect(subscriptions.status).toBe(200);
    expect(subscriptions.json.result.items).toHaveLength(1);
    const orders = await call("GET", "/customer/orders/list");
    expect(orders.status).toBe(200);
    expect(orders.json.result.items).toHaveLength(1);
    const benefits = await call("GET", "/customer/benefits/list");
    expect(benefits.status).toBe(200);
    const meters = await call("GET", "/usage/meters/list");
    expect(meters.status).toBe(200);
    const portalSession = await call("POST", "/customer/portal", { redirect: false });
    expect(portalSession.status).toBe(200);
    const page = await fetch(portalSession.json.url);
    expect(page.status).toBe(200);
    const ingest = await call("POST", "/usage/ingest", { event: "api.call", metadata: { units: 2 } });
    expect(ingest.json).toMatchObject({ inserted: 1 });
  });
});
