import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Polar as Polar049 } from "@polar-sh/sdk";
import { validateEvent as validateEvent049 } from "@polar-sh/sdk/webhooks";
import { createPolar, webhooks as webhooks1 } from "polar-sdk-1/2026-04";
import { Polar as Polar042 } from "polar-sdk-042";
import { validateEvent as validateEvent042 } from "polar-sdk-042/webhooks.js";
import { Polar as Polar047 } from "polar-sdk-047";
import { validateEvent as validateEvent047 } from "polar-sdk-047/webhooks.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningPolarEmulator,
  SDK_PARSEABLE_EVENT_TYPES,
  startPolarEmulator,
} from "../../src/emulators/polar/index.js";
import { DeclaredShapes } from "../../src/emulators/shared/testing/declared-shapes.js";
import { WebhookReceiver } from "../../src/emulators/shared/testing/webhook-receiver.js";

/** Every Speakeasy-generated SDK in use: each validates every answer and webhook at run time. */
const SPEAKEASY_SDKS = [
  { version: "0.42.5", Polar: Polar042, validateEvent: validateEvent042 },
  { version: "0.47.1", Polar: Polar047, validateEvent: validateEvent047 },
  { version: "0.49.0", Polar: Polar049, validateEvent: validateEvent049 },
] as const;

interface PolarSession {
  emulator: RunningPolarEmulator;
  receiver: WebhookReceiver;
  secret: string;
  pay(checkoutId: string): Promise<void>;
  close(): Promise<void>;
}

async function startSession(seed: number): Promise<PolarSession> {
  const emulator = await startPolarEmulator({ seed, deliverySpeedFactor: 100_000 });
  const receiver = await new WebhookReceiver().start();
  const { secret } = emulator.webhooks.createEndpoint(receiver.url, { events: SDK_PARSEABLE_EVENT_TYPES });
  return {
    emulator,
    receiver,
    secret,
    async pay(checkoutId) {
      // No email: the checkout already knows its customer by external id.
      const response = await fetch(`${emulator.url}/_emulator/checkouts/${checkoutId}/pay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ card: "4242424242424242" }),
      });
      expect(response.status).toBe(200);
    },
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

/**
 * One scripted flow — catalog, customer, checkout, payment, subscription, order, refund, usage events,
 * portal session, webhooks — through each official SDK version against the in-process Polar emulator.
 */
describe.each(SPEAKEASY_SDKS)(
  "@polar-sh/sdk $version against the Polar emulator",
  ({ Polar, validateEvent }) => {
    let session: PolarSession;
    beforeAll(async () => {
      session = await startSession(42);
    });
    afterAll(async () => session.close());

    it("runs the scripted flow with every answer passing the SDK's own validation", async () => {
      const polar = new Polar({ accessToken: session.emulator.token, serverURL: session.emulator.url });
      const product = await polar.products.create({
        name: "Pro",
        recurringInterval: "month",
        prices: [{ amountType: "fixed", priceAmount: 2000 }],
      });
      const customer = await polar.customers.create({ email: "ada@example.com", externalId: "user_ada" });
      expect((await polar.customers.getExternal({ externalId: "user_ada" })).id).toBe(customer.id);
      const checkout = await polar.checkouts.create({
        products: [product.id],
        externalCustomerId: "user_ada",
      });
      expect(checkout.customerId).toBe(customer.id);
      await session.pay(checkout.id);
      expect((await polar.checkouts.get({ id: checkout.id })).status).toBe("succeeded");

      const subscriptions = await polar.subscriptions.list({ externalCustomerId: "user_ada" });
      const subscription = subscriptions.result.items[0]!;
      expect(subscription.status).toBe("active");
      const canceled = await polar.subscriptions.update({
        id: subscription.id,
        subscriptionUpdate: { cancelAtPeriodEnd: true },
      });
      expect(canceled.cancelAtPeriodEnd).toBe(true);

      const order = (await polar.orders.list({ customerId: customer.id })).result.items[0]!;
      expect(order).toMatchObject({ status: "paid", totalAmount: 2000 });
      // 0.42 declares Polar's 201 as an empty answer, so the refund is read back from the list.
      await polar.refunds.create({ orderId: order.id, reason: "customer_request", amount: 500 });
      const refunds = await polar.refunds.list({ orderId: order.id });
      expect(refunds.result.items.map((refund) => refund.status)).toEqual(["succeeded"]);
      expect((await polar.orders.get({ id: order.id })).refundedAmount).toBe(500);

      const ingested = await polar.events.ingest({
        events: [{ name: "api.call", externalCustomerId: "user_ada", metadata: { units: 3 } }],
      });
      expect(ingested.inserted).toBe(1);
      const state = await polar.customers.getStateExternal({ externalId: "user_ada" });
      expect(state.activeSubscriptions).toHaveLength(1);
      const portal = await polar.customerSessions.create({ externalCustomerId: "user_ada" });
      expect(portal.customerPortalUrl).toContain(portal.token);
    });

    it("sends webhooks this SDK verifies and parses (types it predates are refused as unknown, not as invalid)", async () => {
      await session.emulator.webhooks.idle();
      const received = session.receiver.received;
      expect(received.map((webhook) => webhook.type)).toEqual(
        expect.arrayContaining(["product.created", "customer.created", "order.paid", "subscription.active"]),
      );
      for (const webhook of received) {
        try {
          expect(validateEvent(webhook.body, webhook.headers, session.secret).type).toBe(webhook.type);
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
          expect(`${webhook.type}: ${cause || String(error)}`).toMatch(/Unknown event type/);
        }
      }
    });
  },
);

/** SDK 1.x declares its 2026-04 models and webhook payloads in bundled `.d.mts` files. */
function sdk1Shapes(): DeclaredShapes {
  const dist = join(dirname(createRequire(import.meta.url).resolve("polar-sdk-1")), "2026-04");
  const index = readFileSync(join(dist, "index.d.mts"), "utf8");
  const bundles = [...index.matchAll(/from "\.\.\/((?:models|index)-[^"]+)\.mjs"/g)].map((match) => match[1]);
  expect(bundles.length).toBeGreaterThanOrEqual(2);
  return DeclaredShapes.fromFiles(bundles.map((bundle) => join(dist, "..", `${bundle}.d.mts`)));
}

/** `benefit_grant.created` → `WebhookBenefitGrantCreatedPayload`, the SDK's name for that payload. */
function payloadTypeOf(eventType: string): string {
  const words = eventType.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `Webhook${words.join("")}Payload`;
}

/** SDK 1.0.1's generator typed `CustomerStateSubscription.status` with a benefit-grant enum (two schemas named `Status`). */
const SDK1_TYPE_BUGS = /active_subscriptions\[\d+\]\.status: expected "granted"/;

describe("@polar-sh/sdk 1.x (2026-04 client) against the Polar emulator", () => {
  let session: PolarSession;
  let shapes: DeclaredShapes;
  const conforms = (value: unknown, type: string) =>
    expect(
      shapes.problems(value, type).filter((problem) => !SDK1_TYPE_BUGS.test(problem)),
      type,
    ).toEqual([]);

  beforeAll(async () => {
    session = await startSession(43);
    shapes = sdk1Shapes();
  });
  afterAll(async () => session.close());

  it("runs the scripted flow with every answer matching the SDK's declared types", async () => {
    const polar = createPolar({ accessToken: session.emulator.token, baseUrl: session.emulator.url });
    const product = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 2000 }],
    });
    conforms(product, "Product");
    const customer = await polar.customers.create({ email: "grace@example.com", external_id: "user_grace" });
    conforms(customer, "Customer");
    const checkout = await polar.checkouts.create({
      products: [product.id],
      external_customer_id: "user_grace",
    });
    conforms(checkout, "Checkout");
    await session.pay(checkout.id);
    const subscriptions = await polar.subscriptions.list({ external_customer_id: "user_grace" });
    conforms(subscriptions, "ListResourceSubscription");
    const subscription = subscriptions.items[0]!;
    conforms(
      await polar.subscriptions.update(subscription.id, { cancel_at_period_end: true }),
      "Subscription",
    );
    const orders = await polar.orders.list({ customer_id: customer.id });
    conforms(orders, "ListResourceOrder");
    const refund = await polar.refunds.create({
      order_id: orders.items[0]!.id,
      reason: "other",
      amount: 300,
    });
    conforms(refund, "Refund");
    conforms(
      await polar.events.ingest({ events: [{ name: "api.call", external_customer_id: "user_grace" }] }),
      "EventsIngestResponse",
    );
    conforms(await polar.customers.getStateExternal("user_grace"), "CustomerState");
    conforms(await polar.customerSessions.create({ external_customer_id: "user_grace" }), "CustomerSession");
  });

  it("sends webhooks the SDK verifies, with payloads matching its declared webhook types", async () => {
    await session.emulator.webhooks.idle();
    expect(session.receiver.received.length).toBeGreaterThan(5);
    for (const webhook of session.receiver.received) {
      const event = await webhooks1.validateEvent(webhook.body, webhook.headers, session.secret);
      expect(event.type).toBe(webhook.type);
      conforms(event, payloadTypeOf(webhook.type));
    }
  });
});
