import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { validateEvent as validateEvent049, WebhookVerificationError } from "@polar-sh/sdk/webhooks";
import { webhooks as webhooks1 } from "polar-sdk-1/2026-04";
import { Polar as Polar042 } from "polar-sdk-042";
import { validateEvent as validateEvent042 } from "polar-sdk-042/webhooks.js";
import { Polar as Polar047 } from "polar-sdk-047";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclaredShapes } from "../shared/testing/declared-shapes.js";
import { WebhookReceiver } from "../shared/testing/webhook-receiver.js";
import { type RunningPolarEmulator, startPolarEmulator } from "./index.js";

/**
 * Where SDK 1.0.1's own types are wrong: two schemas named `Status` collided in its generator, so
 * `CustomerStateSubscription.status` is typed as a benefit-grant status ("granted" | "disabled") while
 * Polar sends the subscription's status ("active", "trialing").
 */
const SDK1_TYPE_BUGS = /^CustomerState\.active_subscriptions\[\d+\]\.status: expected "granted"/;

/** SDK 1.x declares its 2026-04 models in one bundled `.d.mts`; the version's index names it. */
function sdk1Shapes(): DeclaredShapes {
  const dist = join(dirname(createRequire(import.meta.url).resolve("polar-sdk-1")), "2026-04");
  const index = readFileSync(join(dist, "index.d.mts"), "utf8");
  const models = /from "\.\.\/(models-[^"]+)\.mjs"/.exec(index)?.[1];
  if (!models) throw new Error("SDK 1.x layout changed: no models bundle named in 2026-04/index.d.mts");
  return DeclaredShapes.fromFiles([join(dist, "..", `${models}.d.mts`)]);
}

/**
 * The shapes older and newer official SDKs need, each item of issue #20 on its own: SDKs 0.42 and 0.47
 * validate every answer at run time (a missing or null field throws), SDK 1.x only declares its types,
 * so its answers are checked against its `.d.mts`.
 */
describe("Polar emulator answers every SDK in use", () => {
  let emulator: RunningPolarEmulator;
  let receiver: WebhookReceiver;
  let secret: string;
  let polar042: Polar042;
  let polar047: Polar047;
  const api = async (method: string, path: string, body?: unknown, token = emulator.token) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      // biome-ignore lint/suspicious/noExplicitAny: the test reads answers as loose JSON
      json: (await response.json().catch(() => null)) as Record<string, any>,
    };
  };

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: 20, deliverySpeedFactor: 100_000 });
    receiver = await new WebhookReceiver().start();
    secret = emulator.webhooks.createEndpoint(receiver.url, { events: ["product.created"] }).secret;
    polar042 = new Polar042({ accessToken: emulator.token, serverURL: emulator.url });
    polar047 = new Polar047({ accessToken: emulator.token, serverURL: emulator.url });
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it("gives customers Polar's Gravatar avatar_url, which SDKs up to 0.47 require as a string", async () => {
    const viaOld = await polar042.customers.create({ email: "Ada@Example.com", externalId: "ada" });
    const viaNewer = await polar047.customers.get({ id: viaOld.id });
    const hash = createHash("sha256").update("ada@example.com").digest("hex");
    expect(viaOld.avatarUrl).toBe(`https://www.gravatar.com/avatar/${hash}?d=404`);
    expect(viaNewer.avatarUrl).toBe(viaOld.avatarUrl);
  });

  it("sends the deprecated fields SDK 0.42 needs: customer_external_id and the prices' type", async () => {
    const product = await polar042.products.create({
      name: "Monthly",
      recurringInterval: "month",
      prices: [{ amountType: "fixed", priceAmount: 900 }],
    });
    expect(product.prices[0]).toMatchObject({ type: "recurring", recurringInterval: "month" });
    const checkout = await polar042.checkouts.create({ products: [product.id], externalCustomerId: "ada" });
    expect(checkout.customerExternalId).toBe("ada");
    await emulator.webhooks.idle();
    const webhook = receiver.received.find((row) => row.type === "product.created");
    const event = validateEvent042(webhook!.body, webhook!.headers, secret);
    expect(event.type).toBe("product.created");
  });

  it("links a checkout for an existing external id to that customer, so paying needs no email", async () => {
    const customer = (
      await api("POST", "/v1/customers/", { email: "grace@example.com", external_id: "grace" })
    ).json;
    const product = (
      await api("POST", "/v1/products/", {
        name: "Once",
        prices: [{ amount_type: "fixed", price_amount: 500 }],
      })
    ).json;
    const checkout = (
      await api("POST", "/v1/checkouts/", { products: [product.id], external_customer_id: "grace" })
    ).json;
    expect(checkout).toMatchObject({ customer_id: customer.id, customer_email: "grace@example.com" });
    const paid = await fetch(`${emulator.url}/_emulator/checkouts/${checkout.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
    expect((await paid.json()).status).toBe("succeeded");
  });

  it("serves the customer-portal API to a customer-session token, and only that customer's records", async () => {
    const product = (
      await api("POST", "/v1/products/", {
        name: "Team",
        recurring_interval: "month",
        prices: [{ amount_type: "fixed", price_amount: 2000 }],
      })
    ).json;
    const benefit = (
      await api("POST", "/v1/benefits/", { type: "custom", description: "Support", properties: {} })
    ).json;
    await api("POST", `/v1/products/${product.id}/benefits`, { benefits: [benefit.id] });
    const checkout = (
      await api("POST", "/v1/checkouts/", { products: [product.id], external_customer_id: "ada" })
    ).json;
    await fetch(`${emulator.url}/_emulator/checkouts/${checkout.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    const session = await polar047.customerSessions.create({ externalCustomerId: "ada" });
    const security = { customerSession: session.token };
    const me = await polar047.customerPortal.customers.get(security);
    expect(me.email).toBe("Ada@Example.com");
    const subscriptions = await polar047.customerPortal.subscriptions.list(security, { active: true });
    expect(subscriptions.result.items.map((row) => row.productId)).toEqual([product.id]);
    const orders = await polar047.customerPortal.orders.list(security, {});
    expect(orders.result.items).toHaveLength(1);
    const grants = await polar047.customerPortal.benefitGrants.list(security, {});
    expect(grants.result.items.map((row) => row.benefitId)).toEqual([benefit.id]);
    const meters = await polar047.customerPortal.customerMeters.list(security, {});
    expect(meters.result.items).toEqual([]);
    const canceled = await polar047.customerPortal.subscriptions.cancel(security, {
      id: subscriptions.result.items[0]!.id,
    });
    expect(canceled.cancelAtPeriodEnd).toBe(true);

    expect((await api("GET", "/v1/customer-portal/subscriptions/")).status).toBe(401);
    const other = await polar047.customerSessions.create({ externalCustomerId: "grace" });
    const foreign = await api(
      "GET",
      `/v1/customer-portal/orders/${orders.result.items[0]!.id}`,
      undefined,
      other.token,
    );
    expect(foreign.status).toBe(404);
  });

  it("carries every field SDK 1.x's types require", async () => {
    const shapes = sdk1Shapes();
    const product = (
      await api("POST", "/v1/products/", {
        name: "Yearly",
        recurring_interval: "year",
        prices: [{ amount_type: "fixed", price_amount: 9900 }],
      })
    ).json;
    expect(product.is_deletable).toBe(true);
    const checkout = (
      await api("POST", "/v1/checkouts/", { products: [product.id], external_customer_id: "ada" })
    ).json;
    await fetch(`${emulator.url}/_emulator/checkouts/${checkout.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    const subscription = (await api("GET", `/v1/subscriptions/?product_id=${product.id}`)).json.items[0];
    const order = (await api("GET", `/v1/orders/?product_id=${product.id}`)).json.items[0];
    const endpoint = (
      await api("POST", "/v1/webhooks/endpoints", {
        url: receiver.url,
        format: "raw",
        events: ["order.paid"],
      })
    ).json;
    const answers: Array<[string, unknown]> = [
      ["Product", (await api("GET", `/v1/products/${product.id}`)).json],
      ["Checkout", (await api("GET", `/v1/checkouts/${checkout.id}`)).json],
      ["Subscription", subscription],
      ["Order", order],
      ["WebhookEndpoint", endpoint],
      ["CustomerState", (await api("GET", "/v1/customers/external/ada/state")).json],
    ];
    for (const [type, json] of answers) {
      const problems = shapes.problems(json, type).filter((problem) => !SDK1_TYPE_BUGS.test(problem));
      expect(problems, type).toEqual([]);
    }
    expect(endpoint).toMatchObject({ api_version: "2026-04", uses_standard_webhook_signature: false });
    expect((await api("GET", `/v1/products/${product.id}`)).json.is_deletable).toBe(false);
  });

  it("signs an endpoint with Standard Webhooks when asked, as Polar does for secrets made since 2026-09-08", async () => {
    const standard = await new WebhookReceiver().start();
    try {
      const endpoint = emulator.webhooks.createEndpoint(standard.url, {
        events: ["customer.created"],
        signatureScheme: "standard-base64",
      });
      const listed = (await api("GET", `/v1/webhooks/endpoints/${endpoint.id}`)).json;
      expect(listed.uses_standard_webhook_signature).toBe(true);
      await api("POST", "/v1/customers/", { email: "standard@example.com" });
      await emulator.webhooks.idle();
      const [webhook] = standard.received;
      expect(new Webhook(endpoint.secret).verify(webhook!.body, webhook!.headers)).toMatchObject({
        type: "customer.created",
      });
      expect((await webhooks1.validateEvent(webhook!.body, webhook!.headers, endpoint.secret)).type).toBe(
        "customer.created",
      );
      // SDK 0.49 knows only the original key rule, as against Polar itself.
      expect(() => validateEvent049(webhook!.body, webhook!.headers, endpoint.secret)).toThrow(
        WebhookVerificationError,
      );
    } finally {
      await standard.close();
    }
  });
});
