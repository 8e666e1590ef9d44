import { afterEach, describe, expect, it } from "vitest";
import { type StripeFixture, sdkFor, startStripeFixture } from "./testing/stripe-fixture.js";

describe("fault knobs", () => {
  let fixture: StripeFixture;
  afterEach(async () => {
    await fixture.close();
  });

  it("answers injected 500s and 429s in Stripe's envelope, and the SDK's retries ride them out", async () => {
    fixture = await startStripeFixture({ faults: { apiErrorRate: 1 } });
    await expect(fixture.stripe.customers.list()).rejects.toMatchObject({
      type: "StripeAPIError",
      statusCode: 500,
    });
    await fixture.control("POST", "/_emulator/faults", { apiErrorRate: 0, apiRateLimitRate: 1 });
    await expect(fixture.stripe.customers.list()).rejects.toMatchObject({
      type: "StripeRateLimitError",
      statusCode: 429,
    });
    await fixture.control("POST", "/_emulator/faults", { apiRateLimitRate: 0, apiErrorRate: 0.5, seed: 3 });
    const retrying = sdkFor(fixture.emulator, { maxNetworkRetries: 6 });
    for (let index = 0; index < 4; index += 1)
      await retrying.customers.create(
        { email: `r${index}@example.com` },
        { idempotencyKey: `retry-${index}` },
      );
    expect(
      (await fixture.control("GET", "/_emulator/faults").then((response) => response.json())).fired.apiError,
    ).toBeGreaterThan(0);
    await fixture.control("DELETE", "/_emulator/faults");
    expect((await fixture.stripe.customers.list({ limit: 100 })).data).toHaveLength(4);
  });

  it("applies a write whose response is lost, and an idempotent retry returns the same object", async () => {
    fixture = await startStripeFixture({ faults: { apiResponseLostRate: 1 } });
    await expect(
      fixture.stripe.customers.create({ email: "lost@example.com" }, { idempotencyKey: "lost-1" }),
    ).rejects.toThrow();
    await fixture.control("DELETE", "/_emulator/faults");
    const again = await fixture.stripe.customers.create(
      { email: "lost@example.com" },
      { idempotencyKey: "lost-1" },
    );
    const all = await fixture.stripe.customers.list();
    expect(all.data.map((customer) => customer.id)).toEqual([again.id]);
  });

  it("duplicates and drops webhook deliveries on request", async () => {
    fixture = await startStripeFixture({ events: ["customer.created"], faults: { webhookDuplicateRate: 1 } });
    await fixture.stripe.customers.create({ email: "twice@example.com" });
    await fixture.emulator.webhooks.idle();
    const ids = fixture.receiver.received.map((webhook) => JSON.parse(webhook.body).id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    await fixture.control("POST", "/_emulator/faults", { webhookDuplicateRate: 0, webhookDropRate: 1 });
    await fixture.stripe.customers.create({ email: "never@example.com" });
    await fixture.emulator.webhooks.idle();
    expect(fixture.receiver.received).toHaveLength(2);
  });
});
