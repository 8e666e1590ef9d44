import { describe, expect, it } from "vitest";
import { type StripeFixture, useCheckedStripeFixture } from "./testing/stripe-fixture.js";

function submit(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

describe("hosted checkout page", () => {
  let fixture: StripeFixture;
  useCheckedStripeFixture({}, (started) => {
    fixture = started;
  });

  async function openSession(mode: "payment" | "subscription" = "payment") {
    const price = await fixture.stripe.prices.create({
      currency: "usd",
      unit_amount: 1200,
      product_data: { name: "Poster" },
      ...(mode === "subscription" ? { recurring: { interval: "month" as const } } : {}),
    });
    return fixture.stripe.checkout.sessions.create({
      mode,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/done?id={CHECKOUT_SESSION_ID}",
      cancel_url: "https://shop.example/cart",
    });
  }

  it("shows the order and redirects to the success URL after a good card", async () => {
    const session = await openSession();
    const page = await fetch(session.url!);
    const html = await page.text();
    expect(html).toContain("Poster");
    expect(html).toContain("12.00 USD");
    const response = await submit(session.url!, { email: "person@example.com", card: "4242 4242 4242 4242" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://shop.example/done?id=${session.id}`);
    const completed = await fixture.stripe.checkout.sessions.retrieve(session.id);
    expect(completed.customer_details?.email).toBe("person@example.com");
  });

  it("shows a decline and keeps the session open for another card", async () => {
    const session = await openSession();
    const declined = await submit(session.url!, { email: "p@example.com", card: "4000 0000 0000 9995" });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("insufficient funds");
    expect((await fixture.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    const paid = await submit(session.url!, { email: "p@example.com", card: "4242424242424242" });
    expect(paid.status).toBe(303);
  });

  it("asks for 3D Secure on a 3155 card and completes once authenticated", async () => {
    const session = await openSession("subscription");
    const challenge = await submit(session.url!, { email: "s@example.com", card: "4000002500003155" });
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toContain("Authenticate this payment");
    const failed = await submit(session.url!, {
      email: "s@example.com",
      card: "4000002500003155",
      authenticate: "fail",
    });
    expect(failed.status).toBe(402);
    const done = await submit(session.url!, {
      email: "s@example.com",
      card: "4000002500003155",
      authenticate: "complete",
    });
    expect(done.status).toBe(303);
    const completed = await fixture.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription"],
    });
    expect((completed.subscription as { status: string }).status).toBe("active");
    // Set up for future use: the off-session renewal goes through without a challenge.
    await fixture.advanceDays(32);
    const renewed = await fixture.stripe.subscriptions.retrieve(
      (completed.subscription as { id: string }).id,
    );
    expect(renewed.status).toBe("active");
  });

  it("expires the session after expires_at and says so", async () => {
    const session = await openSession();
    await fixture.advanceDays(2);
    const page = await fetch(session.url!);
    expect(page.status).toBe(410);
    expect((await fixture.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    expect(fixture.emulator.webhooks.events("checkout.session.expired")).toHaveLength(1);
  });
});
