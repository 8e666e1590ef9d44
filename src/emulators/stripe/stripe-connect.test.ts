import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebhookReceiver } from "../shared/testing/webhook-receiver.js";
import { DAY_SECONDS, type StripeFixture, sdkFor, startStripeFixture } from "./testing/stripe-fixture.js";
import type { StripeWebhookEndpointHandle } from "./webhook-endpoint-helper.js";

const verifier = new Stripe("sk_test_verifier_only");

describe("Connect on the Stripe emulator", () => {
  let fixture: StripeFixture;
  let connectReceiver: WebhookReceiver;
  let connectEndpoint: StripeWebhookEndpointHandle;
  beforeEach(async () => {
    fixture = await startStripeFixture();
    connectReceiver = await new WebhookReceiver().start();
    connectEndpoint = fixture.emulator.webhooks.createEndpoint(connectReceiver.url, { connect: true });
  });
  afterEach(async () => {
    await fixture.close();
    await connectReceiver.close();
  });

  async function connectEvents(): Promise<Stripe.Event[]> {
    await fixture.emulator.webhooks.idle();
    return connectReceiver.received.map((webhook) =>
      verifier.webhooks.constructEvent(
        webhook.body,
        webhook.headers["stripe-signature"] ?? "",
        connectEndpoint.secret,
      ),
    );
  }

  async function onboardedAccount(payouts: "manual" | "daily" = "manual"): Promise<Stripe.Account> {
    const account = await fixture.stripe.accounts.create({
      type: "express",
      country: "US",
      email: "creator@example.com",
      capabilities: { transfers: { requested: true } },
      settings: { payouts: { schedule: { interval: payouts } } },
    });
    const link = await fixture.stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://app.example.com/refresh",
      return_url: "https://app.example.com/return",
    });
    const submitted = await fetch(link.url, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ first_name: "Ada", last_name: "Creator", tos: "accepted" }).toString(),
    });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get("location")).toBe("https://app.example.com/return");
    return fixture.stripe.accounts.retrieve(account.id);
  }

  it("onboards an account through a single-use hosted link and sends account.updated with `account`", async () => {
    const account = await fixture.stripe.accounts.create({ type: "express", country: "US" });
    expect(account).toMatchObject({
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
    });
    expect(account.requirements?.currently_due?.length).toBeGreaterThan(0);
    const link = await fixture.stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://app.example.com/refresh",
      return_url: "https://app.example.com/return",
    });
    expect(link.expires_at - link.created).toBe(300);
    const page = await fetch(link.url);
    expect(await page.text()).toContain("Set up payouts");
    const form = new URLSearchParams({ first_name: "Ada", last_name: "Creator", tos: "accepted" });
    const post = () =>
      fetch(link.url, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
    expect((await post()).headers.get("location")).toBe("https://app.example.com/return");
    // Spent: following it again goes to refresh_url.
    expect((await post()).headers.get("location")).toBe("https://app.example.com/refresh");

    const onboarded = await fixture.stripe.accounts.retrieve(account.id);
    expect(onboarded).toMatchObject({
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
    });
    expect(onboarded.capabilities?.transfers).toBe("active");
    const events = await connectEvents();
    expect(events.map((event) => [event.type, event.account])).toEqual([["account.updated", account.id]]);
    // The platform endpoint does not get connected accounts' events.
    expect(fixture.receiver.received.some((webhook) => webhook.body.includes('"account.updated"'))).toBe(
      false,
    );
  });

  it("expires account links after 300 s", async () => {
    const account = await fixture.stripe.accounts.create({ type: "express" });
    const link = await fixture.stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://app.example.com/refresh",
      return_url: "https://app.example.com/return",
    });
    await fixture.control("POST", "/_emulator/clock/advance", { seconds: 301 });
    const page = await fetch(link.url, { redirect: "manual" });
    expect(page.headers.get("location")).toBe("https://app.example.com/refresh");
  });

  it("runs a destination charge with an application fee, reverses it proportionally, and pays out", async () => {
    const account = await onboardedAccount();
    const session = await fixture.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "https://app.example.com/ok",
      line_items: [
        { price_data: { currency: "usd", product_data: { name: "Tip" }, unit_amount: 1000 }, quantity: 1 },
      ],
      payment_intent_data: { application_fee_amount: 150, transfer_data: { destination: account.id } },
    });
    expect((await fixture.pay(session.id, "4242424242424242")).status).toBe(200);
    const paid = await fixture.stripe.checkout.sessions.retrieve(session.id);
    const intent = await fixture.stripe.paymentIntents.retrieve(paid.payment_intent as string);
    const charge = await fixture.stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ transfer_data: { destination: account.id }, application_fee_amount: 150 });
    const transfer = await fixture.stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount: 1000, destination: account.id, source_transaction: charge.id });
    const fee = await fixture.stripe.applicationFees.retrieve(charge.application_fee as string);
    expect(fee).toMatchObject({ amount: 150, account: account.id, charge: charge.id });

    await fixture.stripe.refunds.create({
      payment_intent: intent.id,
      amount: 400,
      reverse_transfer: true,
      refund_application_fee: true,
    });
    expect((await fixture.stripe.transfers.retrieve(transfer.id)).amount_reversed).toBe(400);
    expect((await fixture.stripe.applicationFees.retrieve(fee.id)).amount_refunded).toBe(60);

    // A platform takes more back from the account by reversing the transfer directly (a lost dispute).
    const reversal = await fixture.stripe.transfers.createReversal(
      transfer.id,
      { amount: 100, metadata: { billhook_dispute_id: "dp_x" } },
      { idempotencyKey: "recover-dp_x" },
    );
    const again = await fixture.stripe.transfers.createReversal(
      transfer.id,
      { amount: 100, metadata: { billhook_dispute_id: "dp_x" } },
      { idempotencyKey: "recover-dp_x" },
    );
    expect(again.id).toBe(reversal.id);
    expect(reversal).toMatchObject({ object: "transfer_reversal", amount: 100, transfer: transfer.id });
    await expect(fixture.stripe.transfers.createReversal(transfer.id, { amount: 501 })).rejects.toThrow(
      /cannot reverse more than the transfer's remaining 500/,
    );
    const reversals = await fixture.stripe.transfers.listReversals(transfer.id);
    // Newest first, as every Stripe list.
    expect(reversals.data.map((row) => row.amount)).toEqual([100, 400]);

    // The account holds 1000 − 150 − 400 + 60 − 100 = 410.
    const connected = sdkFor(fixture.emulator);
    await expect(
      connected.payouts.create({ amount: 411, currency: "usd" }, { stripeAccount: account.id }),
    ).rejects.toThrow(/insufficient funds/);
    const payout = await connected.payouts.create(
      { amount: 410, currency: "usd" },
      { stripeAccount: account.id },
    );
    expect(payout.status).toBe("pending");
    await fixture.advanceDays(3);
    const arrived = await connected.payouts.retrieve(payout.id, {}, { stripeAccount: account.id });
    expect(arrived.status).toBe("paid");

    const types = (await connectEvents()).map((event) => `${event.type}:${event.account}`);
    expect(types).toEqual([
      `account.updated:${account.id}`,
      `payout.created:${account.id}`,
      `payout.updated:${account.id}`,
      `payout.paid:${account.id}`,
    ]);
  });

  it("pays Express accounts out automatically unless the platform asks for manual payouts", async () => {
    const account = await onboardedAccount("daily");
    expect(account.settings?.payouts?.schedule).toMatchObject({ interval: "daily" });
    await expect(
      sdkFor(fixture.emulator).payouts.create({ amount: 1, currency: "usd" }, { stripeAccount: account.id }),
    ).rejects.toThrow(/automatic payouts enabled/);
  });

  it("fails the next payout when the knob is set, and can fail one after it was paid", async () => {
    const account = await onboardedAccount();
    const session = await fixture.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "https://app.example.com/ok",
      line_items: [
        { price_data: { currency: "usd", product_data: { name: "Tip" }, unit_amount: 2000 }, quantity: 1 },
      ],
      payment_intent_data: { application_fee_amount: 0, transfer_data: { destination: account.id } },
    });
    await fixture.pay(session.id, "4242424242424242");
    const connected = sdkFor(fixture.emulator);
    await fixture.control("POST", "/_emulator/payouts/fail-next", { count: 1 });
    const first = await connected.payouts.create(
      { amount: 500, currency: "usd" },
      { stripeAccount: account.id },
    );
    await fixture.advanceDays(3);
    expect((await connected.payouts.retrieve(first.id, {}, { stripeAccount: account.id })).status).toBe(
      "failed",
    );
    const second = await connected.payouts.create(
      { amount: 500, currency: "usd" },
      { stripeAccount: account.id },
    );
    await fixture.advanceDays(3);
    expect((await connected.payouts.retrieve(second.id, {}, { stripeAccount: account.id })).status).toBe(
      "paid",
    );
    await fixture.control("POST", `/_emulator/payouts/${second.id}/fail`);
    const types = (await connectEvents())
      .map((event) => event.type)
      .filter((type) => type.startsWith("payout."));
    expect(types.filter((type) => type === "payout.failed")).toHaveLength(2);
    expect(types.filter((type) => type === "payout.paid")).toHaveLength(1);
  });

  it("charges each invoice of a destination subscription with its application fee", async () => {
    const account = await onboardedAccount();
    const product = await fixture.stripe.products.create({ name: "Gold tier" });
    const price = await fixture.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
    });
    const session = await fixture.stripe.checkout.sessions.create({
      mode: "subscription",
      success_url: "https://app.example.com/ok",
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { application_fee_percent: 12.5, transfer_data: { destination: account.id } },
    });
    await fixture.pay(session.id, "4242424242424242", { email: "fan@example.com" });
    await fixture.advanceDays(31);
    const fees = await fixture.stripe.applicationFees.list({ limit: 10 });
    expect(fees.data.map((fee) => fee.amount)).toEqual([63, 63]);
    const transfers = await fixture.stripe.transfers.list({ destination: account.id });
    expect(transfers.data.map((transfer) => transfer.amount)).toEqual([500, 500]);
    expect(DAY_SECONDS).toBe(86_400);
  });
});
