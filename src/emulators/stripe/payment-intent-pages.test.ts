import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StripeFixture, startStripeFixture } from "./testing/stripe-fixture.js";

function submit(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

describe("PaymentIntent pages (embedded form stand-in and 3D Secure)", () => {
  let fixture: StripeFixture;
  beforeEach(async () => {
    fixture = await startStripeFixture({
      events: ["payment_intent.succeeded", "payment_intent.payment_failed"],
    });
  });
  afterEach(async () => {
    await fixture.close();
  });

  it("pays a PaymentIntent by client secret from the form page", async () => {
    const intent = await fixture.stripe.paymentIntents.create({ amount: 1500, currency: "usd" });
    const url = `${fixture.emulator.url}/elements/pay/${intent.client_secret}`;
    expect((await fetch(url)).status).toBe(200);
    const paid = await submit(url, { card: "4242424242424242", return_url: "https://app.example/paid" });
    expect(paid.status).toBe(303);
    const location = new URL(paid.headers.get("location")!);
    expect(location.searchParams.get("redirect_status")).toBe("succeeded");
    expect((await fixture.stripe.paymentIntents.retrieve(intent.id)).status).toBe("succeeded");
  });

  it("completes or fails 3D Secure at next_action.redirect_to_url", async () => {
    const create = () =>
      fixture.stripe.paymentIntents.create({
        amount: 900,
        currency: "usd",
        payment_method: "pm_card_authenticationRequired",
        confirm: true,
        return_url: "https://app.example/back",
      });
    const first = await create();
    const challenge = first.next_action?.redirect_to_url?.url ?? "";
    expect((await fetch(challenge)).status).toBe(200);
    const done = await submit(challenge, { result: "complete" });
    expect(new URL(done.headers.get("location")!).searchParams.get("payment_intent")).toBe(first.id);
    expect((await fixture.stripe.paymentIntents.retrieve(first.id)).status).toBe("succeeded");

    const second = await create();
    const failed = await submit(second.next_action?.redirect_to_url?.url ?? "", { result: "fail" });
    expect(new URL(failed.headers.get("location")!).searchParams.get("redirect_status")).toBe("failed");
    const after = await fixture.stripe.paymentIntents.retrieve(second.id);
    expect(after.last_payment_error?.code).toBe("payment_intent_authentication_failure");
    expect(await fixture.typesSince(0)).toEqual([
      "payment_intent.succeeded",
      "payment_intent.payment_failed",
    ]);
  });
});
