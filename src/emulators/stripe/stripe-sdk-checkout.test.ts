import { describe, expect, it } from "vitest";
import { type StripeFixture, useCheckedStripeFixture } from "./testing/stripe-fixture.js";

describe("Stripe SDK against the emulator: catalog, customers, checkout", () => {
  let fixture: StripeFixture;
  useCheckedStripeFixture({}, (started) => {
    fixture = started;
  });

  it("pushes a catalog: products and prices by lookup_key, search and list", async () => {
    const { stripe } = fixture;
    const product = await stripe.products.create({ name: "Pro", metadata: { billhook_plan: "pro" } });
    const price = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1500,
      recurring: { interval: "month" },
      lookup_key: "pro_monthly",
    });
    expect(price.unit_amount_decimal?.toString()).toBe("1500");
    const byKey = await stripe.prices.list({ lookup_keys: ["pro_monthly"], expand: ["data.product"] });
    expect(byKey.data.map((row) => row.id)).toEqual([price.id]);
    expect(byKey.data[0]?.product).toMatchObject({ name: "Pro" });
    const found = await stripe.products.search({ query: "metadata['billhook_plan']:'pro'" });
    expect(found.data.map((row) => row.id)).toEqual([product.id]);
    const listed = [];
    for await (const row of stripe.products.list({ limit: 1 })) listed.push(row.id);
    expect(listed).toEqual([product.id]);
    await expect(
      stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 1,
        lookup_key: "pro_monthly",
      }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError", code: "lookup_key_already_exists" });
  });

  it("finds customers by external id through metadata search", async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({
      email: "a@example.com",
      metadata: { billhook_customer_id: "u_42" },
    });
    const result = await stripe.customers.search({ query: "metadata['billhook_customer_id']:'u_42'" });
    expect(result.data.map((row) => row.id)).toEqual([customer.id]);
    await expect(stripe.customers.retrieve("cus_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("runs a payment-mode checkout to checkout.session.completed", async () => {
    const { stripe } = fixture;
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 900,
      product_data: { name: "Credits" },
    });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 2 }],
      client_reference_id: "user_1",
      metadata: { order: "o_1" },
      success_url: "https://app.example/ok?session={CHECKOUT_SESSION_ID}",
      cancel_url: "https://app.example/cancel",
      customer_email: "buyer@example.com",
    });
    expect(session.url).toContain(`/c/pay/${session.id}`);
    expect(session.amount_total).toBe(1800);
    const response = await fixture.pay(session.id, "4242 4242 4242 4242");
    expect(response.status).toBe(200);
    const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid", client_reference_id: "user_1" });
    expect((paid.payment_intent as { status: string }).status).toBe("succeeded");
    const types = await fixture.typesSince(0);
    expect(types).toContain("checkout.session.completed");
    expect(types).toContain("payment_intent.succeeded");
  });
});
