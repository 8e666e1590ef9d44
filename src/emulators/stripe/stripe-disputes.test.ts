import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { EVIDENCE_DUE_SECONDS } from "./dispute-operations.js";
import { type StripeFixture, useCheckedStripeFixture } from "./testing/stripe-fixture.js";

const DISPUTE_CARD = "4000000000000259";

describe("disputes on the Stripe emulator", () => {
  let fixture: StripeFixture;
  useCheckedStripeFixture({}, (started) => {
    fixture = started;
  });

  async function disputedIntent(
    amount = 2000,
  ): Promise<{ intent: Stripe.PaymentIntent; dispute: Stripe.Dispute }> {
    const intent = await fixture.stripe.paymentIntents.create({
      amount,
      currency: "usd",
      payment_method: "pm_card_createDispute",
      confirm: true,
    });
    const disputes = await fixture.stripe.disputes.list({ payment_intent: intent.id });
    expect(disputes.data).toHaveLength(1);
    return { intent, dispute: disputes.data[0]! };
  }

  async function disputeEvents(): Promise<Stripe.Event[]> {
    const events = await fixture.stripe.events.list({ type: "charge.dispute.*", limit: 100 });
    return [...events.data].reverse();
  }

  async function paidCharge(amount: number): Promise<Stripe.Charge> {
    const intent = await fixture.stripe.paymentIntents.create({
      amount,
      currency: "eur",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    return fixture.stripe.charges.retrieve(intent.latest_charge as string);
  }

  async function onboardedAccount(): Promise<Stripe.Account> {
    const account = await fixture.stripe.accounts.create({ type: "express", country: "US" });
    const link = await fixture.stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "https://app.example.com/refresh",
      return_url: "https://app.example.com/return",
    });
    await fetch(link.url, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ first_name: "Ada", last_name: "Creator", tos: "accepted" }),
    });
    return account;
  }

  it("disputes a 0259 PaymentIntent right after its payment events, on the platform", async () => {
    const { intent, dispute } = await disputedIntent();
    expect(intent.status).toBe("succeeded");
    expect(dispute).toMatchObject({
      object: "dispute",
      amount: 2000,
      currency: "usd",
      charge: intent.latest_charge,
      payment_intent: intent.id,
      status: "needs_response",
      reason: "fraudulent",
      is_charge_refundable: false,
      balance_transactions: [],
      metadata: {},
      livemode: false,
      evidence: { customer_name: null, uncategorized_text: null },
      evidence_details: { has_evidence: false, past_due: false, submission_count: 0 },
    });
    expect(dispute.id).toMatch(/^dp_/);
    expect(dispute.evidence_details.due_by).toBe(dispute.created + EVIDENCE_DUE_SECONDS);
    expect((await fixture.stripe.charges.retrieve(intent.latest_charge as string)).disputed).toBe(true);
    expect(await fixture.stripe.disputes.retrieve(dispute.id)).toMatchObject({ id: dispute.id });

    const types = await fixture.typesSince(0);
    expect(types.slice(-4)).toEqual([
      "charge.succeeded",
      "payment_intent.succeeded",
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
    ]);
    const events = await disputeEvents();
    expect(
      events.map((event) => [event.type, event.account, (event.data.object as Stripe.Dispute).id]),
    ).toEqual([
      ["charge.dispute.created", undefined, dispute.id],
      ["charge.dispute.funds_withdrawn", undefined, dispute.id],
    ]);
  });

  it("disputes a destination charge paid with 0259 on the hosted checkout page", async () => {
    const account = await onboardedAccount();
    const session = await fixture.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "https://app.example.com/ok",
      line_items: [
        { price_data: { currency: "usd", product_data: { name: "Tip" }, unit_amount: 1500 }, quantity: 1 },
      ],
      payment_intent_data: { application_fee_amount: 100, transfer_data: { destination: account.id } },
    });
    const submitted = await fetch(session.url!, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ email: "fan@example.com", card: "4000 0000 0000 0259" }),
    });
    expect(submitted.status).toBe(303);
    const paid = await fixture.stripe.checkout.sessions.retrieve(session.id);
    const disputes = await fixture.stripe.disputes.list({ payment_intent: paid.payment_intent as string });
    expect(disputes.data).toMatchObject([{ amount: 1500, status: "needs_response" }]);
    expect((await disputeEvents()).every((event) => event.account === undefined)).toBe(true);
  });

  it("disputes a subscription invoice paid with 0259", async () => {
    const price = await fixture.stripe.prices.create({
      currency: "usd",
      unit_amount: 900,
      product_data: { name: "Monthly" },
      recurring: { interval: "month" },
    });
    const session = await fixture.stripe.checkout.sessions.create({
      mode: "subscription",
      success_url: "https://app.example.com/ok",
      line_items: [{ price: price.id, quantity: 1 }],
    });
    expect((await fixture.pay(session.id, DISPUTE_CARD, { email: "sub@example.com" })).status).toBe(200);
    const disputes = await fixture.stripe.disputes.list();
    expect(disputes.data).toMatchObject([{ amount: 900, reason: "fraudulent" }]);
  });

  it("submits evidence for review, and a won dispute reinstates the funds", async () => {
    const { intent, dispute } = await disputedIntent();
    const mark = (await fixture.typesSince(0)).length;
    const staged = await fixture.stripe.disputes.update(dispute.id, {
      evidence: { customer_name: "Ada" },
      submit: false,
    });
    expect(staged).toMatchObject({ status: "needs_response", evidence: { customer_name: "Ada" } });
    const submitted = await fixture.stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: "Delivered and used." },
      metadata: { case: "42" },
    });
    expect(submitted).toMatchObject({
      status: "under_review",
      metadata: { case: "42" },
      evidence: { customer_name: "Ada", uncategorized_text: "Delivered and used." },
      evidence_details: { has_evidence: true, submission_count: 1, past_due: false },
    });
    const resolved = await fixture.control("POST", `/_emulator/disputes/${dispute.id}/resolve`, {
      outcome: "won",
    });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as { status: string }).status).toBe("won");
    expect(await fixture.typesSince(mark)).toEqual([
      "charge.dispute.updated",
      "charge.dispute.updated",
      "charge.dispute.closed",
      "charge.dispute.funds_reinstated",
    ]);
    await expect(
      fixture.stripe.disputes.update(dispute.id, { metadata: { late: "1" } }),
    ).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
    // Once won, the merchant holds the money again and may refund it.
    await expect(fixture.stripe.refunds.create({ payment_intent: intent.id })).resolves.toMatchObject({
      status: "succeeded",
    });
  });

  it("loses a dispute it accepts, refuses refunds of the charged-back charge, and stays closed", async () => {
    const { intent, dispute } = await disputedIntent();
    await expect(fixture.stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "charge_disputed",
      message: `Charge ${intent.latest_charge as string} has been charged back; cannot issue a refund.`,
    });
    const closed = await fixture.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe("lost");
    expect((await fixture.typesSince(0)).at(-1)).toBe("charge.dispute.closed");
    await expect(fixture.stripe.disputes.close(dispute.id)).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      fixture.stripe.disputes.update(dispute.id, { evidence: { customer_name: "Ada" } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("already closed") });
    const resolveAgain = await fixture.control("POST", `/_emulator/disputes/${dispute.id}/resolve`, {
      outcome: "won",
    });
    expect(resolveAgain.status).toBe(400);
  });

  it("opens a dispute on a 4242 charge through the control route", async () => {
    const charge = await paidCharge(1000);
    await fixture.stripe.refunds.create({ charge: charge.id, amount: 300 });
    const opened = await fixture.control("POST", `/_emulator/charges/${charge.id}/dispute`, {});
    expect(opened.status).toBe(200);
    const dispute = (await opened.json()) as Stripe.Dispute;
    expect(dispute).toMatchObject({
      amount: 700,
      currency: "eur",
      charge: charge.id,
      status: "needs_response",
    });
    expect((await fixture.typesSince(0)).slice(-2)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
    ]);
    const again = await fixture.control("POST", `/_emulator/charges/${charge.id}/dispute`, {});
    expect(again.status).toBe(400);

    const other = await paidCharge(800);
    const chosen = await fetch(`${fixture.emulator.url}/_emulator/charges/${other.id}/dispute`, {
      method: "POST",
      body: new URLSearchParams({ amount: "500", reason: "product_not_received" }),
    });
    expect(await chosen.json()).toMatchObject({ amount: 500, reason: "product_not_received" });
    const missing = await fixture.control("POST", "/_emulator/charges/ch_missing/dispute", {});
    expect(missing.status).toBe(404);
  });

  it("lists with filters and cursors, and answers 404 for an unknown id", async () => {
    const charges = [await paidCharge(100), await paidCharge(200), await paidCharge(300)];
    for (const charge of charges)
      await fixture.control("POST", `/_emulator/charges/${charge.id}/dispute`, {});
    const first = await fixture.stripe.disputes.list({ limit: 2 });
    expect(first.data.map((dispute) => dispute.amount)).toEqual([300, 200]);
    expect(first.has_more).toBe(true);
    const next = await fixture.stripe.disputes.list({ limit: 2, starting_after: first.data[1]!.id });
    expect(next.data.map((dispute) => dispute.amount)).toEqual([100]);
    const byCharge = await fixture.stripe.disputes.list({ charge: charges[1]!.id });
    expect(byCharge.data.map((dispute) => dispute.amount)).toEqual([200]);
    await expect(fixture.stripe.disputes.retrieve("dp_missing")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
    });
    const resolveMissing = await fixture.control("POST", "/_emulator/disputes/dp_missing/resolve", {
      outcome: "lost",
    });
    expect(resolveMissing.status).toBe(404);
  });
});
