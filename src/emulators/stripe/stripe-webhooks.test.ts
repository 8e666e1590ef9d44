import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StripeFixture, startStripeFixture } from "./testing/stripe-fixture.js";
import { DELIVERY_ATTEMPTS_MAX } from "./webhook-delivery.js";
import { stripeSignatureHeader } from "./webhook-signer.js";

const verifier = new Stripe("sk_test_verifier_only");

describe("signed webhook delivery", () => {
  let fixture: StripeFixture;
  beforeEach(async () => {
    fixture = await startStripeFixture({ events: ["customer.created", "customer.updated"] });
  });
  afterEach(async () => {
    await fixture.close();
  });

  it("signs every delivery so stripe.webhooks.constructEvent accepts it with the endpoint secret", async () => {
    const customer = await fixture.stripe.customers.create({ email: "hook@example.com" });
    await fixture.stripe.customers.update(customer.id, { name: "Hook" });
    await fixture.emulator.webhooks.idle();
    expect(fixture.receiver.received).toHaveLength(2);
    for (const webhook of fixture.receiver.received) {
      const header = webhook.headers["stripe-signature"] ?? "";
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = verifier.webhooks.constructEvent(webhook.body, header, fixture.endpoint.secret);
      expect(event.object).toBe("event");
      expect(event.api_version).toBe("2026-11-18.endive");
    }
    const updated = verifier.webhooks.constructEvent(
      fixture.receiver.received[1]!.body,
      fixture.receiver.received[1]!.headers["stripe-signature"]!,
      fixture.endpoint.secret,
    );
    expect(updated).toMatchObject({
      type: "customer.updated",
      data: { previous_attributes: { name: null } },
    });
    expect(updated.request?.id).toMatch(/^req_/);
  });

  it("fails verification with the wrong secret or a body changed by one byte", async () => {
    await fixture.stripe.customers.create({ email: "tamper@example.com" });
    await fixture.emulator.webhooks.idle();
    const [webhook] = fixture.receiver.received;
    const header = webhook!.headers["stripe-signature"]!;
    expect(() => verifier.webhooks.constructEvent(webhook!.body, header, "whsec_wrong")).toThrow(
      /signature/i,
    );
    const changed = webhook!.body.replace("tamper@", "tamper!");
    expect(changed.length).toBe(webhook!.body.length);
    expect(() => verifier.webhooks.constructEvent(changed, header, fixture.endpoint.secret)).toThrow(
      /signature/i,
    );
  });

  it("retries a failing receiver with the same event id, then counts it delivered", async () => {
    fixture.receiver.respond = (_webhook, index) => (index < 2 ? 500 : 200);
    await fixture.stripe.customers.create({ email: "retry@example.com" });
    await fixture.emulator.webhooks.idle();
    const ids = fixture.receiver.received.map((webhook) => JSON.parse(webhook.body).id as string);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    const event = await fixture.stripe.events.retrieve(ids[0]!);
    expect(event.pending_webhooks).toBe(0);
  });

  it("gives up after the last retry and leaves the event pending", async () => {
    fixture.receiver.respond = () => 503;
    await fixture.stripe.customers.create({ email: "down@example.com" });
    await fixture.emulator.webhooks.idle();
    expect(fixture.receiver.received).toHaveLength(DELIVERY_ATTEMPTS_MAX);
    const failed = await fixture.stripe.events.list({ delivery_success: false });
    expect(failed.data.map((event) => event.type)).toEqual(["customer.created"]);
  });

  it("only sends the types an endpoint enabled, and endpoints made through the API get their own secret", async () => {
    const created = await fixture.stripe.webhookEndpoints.create({
      url: fixture.receiver.url,
      enabled_events: ["product.created"],
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.secret).not.toBe(fixture.endpoint.secret);
    const again = await fixture.stripe.webhookEndpoints.retrieve(created.id);
    expect(again.secret).toBeUndefined();
    await fixture.stripe.products.create({ name: "Watched" });
    await fixture.emulator.webhooks.idle();
    const [webhook] = fixture.receiver.received;
    expect(
      verifier.webhooks.constructEvent(webhook!.body, webhook!.headers["stripe-signature"]!, created.secret!)
        .type,
    ).toBe("product.created");
  });
});

describe("the signature scheme", () => {
  it("keys HMAC with the whole whsec_ string, as the SDK's own test header does", async () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" });
    const timestamp = 1_800_000_000;
    const ours = await stripeSignatureHeader({
      secrets: ["whsec_abc"],
      timestampSeconds: timestamp,
      payload,
    });
    const theirs = verifier.webhooks.generateTestHeaderString({ payload, secret: "whsec_abc", timestamp });
    expect(ours).toBe(theirs);
  });
});
