/**
 * `@better-auth/stripe` as an app installs it — a real better-auth instance on the memory adapter, the
 * newest `stripe` package (this folder's own node_modules) and the plugin's webhook route behind a
 * local HTTP server — against the in-process Stripe emulator.
 */

import { stripe as stripePlugin } from "@better-auth/stripe";
import { type ServerType, serve } from "@hono/node-server";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStripeEmulator, startStripeEmulator } from "../../../src/emulators/stripe/index.js";

const BASE_URL = "http://localhost:3000";

describe("@better-auth/stripe with the newest stripe package, against the Stripe emulator", () => {
  let emulator: RunningStripeEmulator;
  let stripe: Stripe;
  let server: ServerType;
  let auth: ReturnType<typeof createAuth>;
  let secret = "";
  let cookie = "";
  const database: Record<
    "user" | "session" | "account" | "verification" | "subscription",
    Array<Record<string, unknown>>
  > = {
    user: [],
    session: [],
    account: [],
    verification: [],
    subscription: [],
  };

  function createAuth(priceId: string) {
    return betterAuth({
      baseURL: BASE_URL,
      secret: "integration-test-secret-of-32-characters",
      database: memoryAdapter(database),
      emailAndPassword: { enabled: true },
      telemetry: { enabled: false },
      logger: { disabled: true },
      plugins: [
        stripePlugin({
          stripeClient: stripe,
          get stripeWebhookSecret() {
            return secret;
          },
          createCustomerOnSignUp: true,
          subscription: { enabled: true, plans: [{ name: "pro", priceId }] },
        }),
      ],
    });
  }

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
    // biome-ignore lint/suspicious/noExplicitAny: the test reads answers as loose JSON
    return { status: response.status, json: (await response.json().catch(() => null)) as any };
  };
  const stored = () => database.subscription[0] as Record<string, unknown> | undefined;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ seed: 32, deliverySpeedFactor: 100_000 });
    stripe = new Stripe(emulator.secretKey, {
      host: emulator.host,
      port: emulator.port,
      protocol: emulator.protocol,
      maxNetworkRetries: 0,
    });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 2900,
      recurring: { interval: "month" },
      product_data: { name: "Pro" },
    });
    auth = createAuth(price.id);
    server = serve({ fetch: (request) => auth.handler(request), port: 0, overrideGlobalObjects: false });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const port = (server.address() as { port: number }).port;
    secret = emulator.webhooks.createEndpoint(`http://127.0.0.1:${port}/api/auth/stripe/webhook`).secret;
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("signs up and creates the Stripe customer", async () => {
    const signUp = await call("POST", "/sign-up/email", {
      email: "ada@example.com",
      password: "correct horse battery",
      name: "Ada",
    });
    expect(signUp.status).toBe(200);
    const customers = await stripe.customers.list({ email: "ada@example.com" });
    expect(customers.data).toHaveLength(1);
    expect(database.user[0]).toMatchObject({ stripeCustomerId: customers.data[0]!.id });
  });

  it("upgrades through Checkout; the webhook route records the active subscription", async () => {
    const upgrade = await call("POST", "/subscription/upgrade", {
      plan: "pro",
      successUrl: "/dashboard",
      cancelUrl: "/pricing",
    });
    expect(upgrade.status).toBe(200);
    const sessionId = new URL(upgrade.json.url).pathname.split("/").pop();
    const paid = await fetch(`${emulator.url}/_emulator/checkout/sessions/${sessionId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
    await emulator.webhooks.idle();
    const failed = emulator.webhooks.deliveries().filter((delivery) => !delivery.succeeded);
    expect(failed).toEqual([]);
    expect(stored()).toMatchObject({ plan: "pro", status: "active" });
    const listed = await call("GET", "/subscription/list");
    expect(listed.status).toBe(200);
    expect(listed.json.map((row: { status: string }) => row.status)).toEqual(["active"]);
  });

  it("opens the billing portal", async () => {
    const portal = await call("POST", "/subscription/billing-portal", {
      returnUrl: "/account",
      disableRedirect: true,
    });
    expect(portal.status).toBe(200);
    expect((await fetch(portal.json.url)).status).toBe(200);
  });

  it("cancels through the portal flow, then restores, and Stripe agrees each time", async () => {
    const cancel = await call("POST", "/subscription/cancel", {
      returnUrl: "/account",
      disableRedirect: true,
    });
    expect(cancel.status).toBe(200);
    const subscriptionId = String(stored()?.stripeSubscriptionId);
    // The customer confirms on the portal page, as a browser would.
    const confirmed = await fetch(cancel.json.url, {
      method: "POST",
      body: new URLSearchParams({ cancel: subscriptionId }),
    });
    expect(confirmed.status).toBe(200);
    await emulator.webhooks.idle();
    expect((await stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(true);
    expect(stored()).toMatchObject({ cancelAtPeriodEnd: true });

    const restore = await call("POST", "/subscription/restore", {});
    expect(restore.status).toBe(200);
    await emulator.webhooks.idle();
    const atStripe = await stripe.subscriptions.retrieve(subscriptionId);
    expect(atStripe).toMatchObject({ cancel_at_period_end: false, cancel_at: null, status: "active" });
    expect(stored()).toMatchObject({ cancelAtPeriodEnd: false, cancelAt: null });
  });
});
