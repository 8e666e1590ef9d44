import { Polar } from "@polar-sh/sdk";
import Stripe from "stripe";
import {
  ALL_EMITTED_EVENT_TYPES,
  type RunningPolarEmulator,
  startPolarEmulator,
} from "../emulators/polar/index.js";
import { startStripeEmulator } from "../emulators/stripe/index.js";
import type { Clock } from "../kernel/index.js";
import type { BillingProvider } from "../modules/provider/index.js";
import { PolarProvider } from "../providers/polar/polar-provider.js";
import { StripeProvider } from "../providers/stripe/stripe-provider.js";

/**
 * What a conformance scenario needs from a provider's emulator. Differences between providers live
 * here, as driver methods, never as `if (provider === …)` in a test.
 */
export interface ProviderDriver {
  name: "polar" | "stripe";
  /** The card that pays, and one that pays a checkout but declines every later charge. */
  cards: { good: string; declined: string; declinesRenewals: string };
  clock: Clock & { advance(seconds: number): Date };
  /** Registers our webhook URL at the emulator and returns a provider adapter wired to it. */
  connect(webhookUrl: string): { provider: BillingProvider; webhookSecret: string };
  idle(): Promise<void>;
  setFaults(settings: Record<string, number>): Promise<void>;
  firedFaults(): Promise<Record<string, number>>;
  activeProductCount(): Promise<number>;
  /** Schedules the customer's subscription to cancel at period end; returns that end. */
  cancelAtPeriodEnd(customerId: string): Promise<Date>;
  /** Makes every future charge of the customer fail. */
  declineFutureCharges(customerId: string): Promise<void>;
  /** Refunds the customer's most recent one-time payment in full, at the provider. */
  refundLatestPurchase(customerId: string): Promise<void>;
  close(): Promise<void>;
}

async function emulatorJson(url: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export interface PolarDriver extends ProviderDriver {
  emulator: RunningPolarEmulator;
  polar: Polar;
}

export async function startPolarDriver(seed: string): Promise<PolarDriver> {
  const emulator = await startPolarEmulator({ seed, deliverySpeedFactor: 10_000 });
  const polar = new Polar({ accessToken: emulator.token, serverURL: emulator.url });
  const subscriptionOf = async (customerId: string) =>
    (await polar.subscriptions.list({ externalCustomerId: customerId })).result.items[0]!;
  return {
    emulator,
    polar,
    name: "polar",
    cards: { good: "4242424242424242", declined: "4000000000000002", declinesRenewals: "4000000000000002" },
    clock: emulator.clock,
    connect: (webhookUrl) => {
      const endpoint = emulator.webhooks.createEndpoint(webhookUrl, { events: ALL_EMITTED_EVENT_TYPES });
      const provider = new PolarProvider({
        accessToken: emulator.token,
        serverUrl: emulator.url,
        webhookSecret: endpoint.secret,
      });
      return { provider, webhookSecret: endpoint.secret };
    },
    idle: () => emulator.webhooks.idle(),
    setFaults: async (settings) => {
      await emulatorJson(emulator.url, "/_emulator/faults", settings);
    },
    firedFaults: async () =>
      (await emulatorJson(emulator.url, "/_emulator/faults")).fired as Record<string, number>,
    activeProductCount: async () =>
      (await polar.products.list({ limit: 100 })).result.items.filter((product) => !product.isArchived)
        .length,
    cancelAtPeriodEnd: async (customerId) => {
      const subscription = await subscriptionOf(customerId);
      await polar.subscriptions.update({
        id: subscription.id,
        subscriptionUpdate: { cancelAtPeriodEnd: true },
      });
      return subscription.currentPeriodEnd;
    },
    declineFutureCharges: async (customerId) => {
      const customer = await polar.customers.getExternal({ externalId: customerId });
      await emulatorJson(emulator.url, `/_emulator/customers/${customer.id}/card`, {
        card: "4000000000000002",
      });
    },
    refundLatestPurchase: async (customerId) => {
      const orders = await polar.orders.list({ externalCustomerId: customerId, limit: 100 });
      const order = orders.result.items.find((candidate) => candidate.billingReason === "purchase")!;
      await polar.refunds.create({
        orderId: order.id,
        reason: "customer_request",
        amount: order.refundableAmount,
      });
    },
    close: () => emulator.close(),
  };
}

export interface StripeDriver extends ProviderDriver {
  stripe: Stripe;
  /** The emulator's base URL, for its `/_emulator` controls. */
  emulatorUrl: string;
}

export async function startStripeDriver(seed: string): Promise<StripeDriver> {
  const emulator = await startStripeEmulator({ seed, deliverySpeedFactor: 10_000 });
  const stripe = new Stripe(emulator.secretKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: "http",
  });
  const customerOf = async (customerId: string) =>
    (await stripe.customers.search({ query: `metadata['billhook_customer_id']:'${customerId}'` })).data[0]!;
  return {
    stripe,
    emulatorUrl: emulator.url,
    name: "stripe",
    cards: { good: "4242424242424242", declined: "4000000000000002", declinesRenewals: "4000000000000341" },
    clock: emulator.clock,
    connect: (webhookUrl) => {
      const endpoint = emulator.webhooks.createEndpoint(webhookUrl);
      // Connected accounts' events (account.updated, payout.*) come through a Connect endpoint.
      const connectEndpoint = emulator.webhooks.createEndpoint(webhookUrl, { connect: true });
      const provider = new StripeProvider({
        secretKey: emulator.secretKey,
        apiUrl: emulator.url,
        webhookSecret: endpoint.secret,
        connectWebhookSecret: connectEndpoint.secret,
        clock: emulator.clock,
        publishableKey: emulator.publishableKey,
      });
      return { provider, webhookSecret: endpoint.secret };
    },
    idle: () => emulator.webhooks.idle(),
    setFaults: async (settings) => {
      await emulatorJson(emulator.url, "/_emulator/faults", settings);
    },
    firedFaults: async () =>
      (await emulatorJson(emulator.url, "/_emulator/faults")).fired as Record<string, number>,
    activeProductCount: async () => (await stripe.products.list({ active: true, limit: 100 })).data.length,
    cancelAtPeriodEnd: async (customerId) => {
      const customer = await customerOf(customerId);
      const subscription = (await stripe.subscriptions.list({ customer: customer.id })).data[0]!;
      const updated = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      return new Date(updated.items.data[0]!.current_period_end * 1000);
    },
    declineFutureCharges: async (customerId) => {
      const customer = await customerOf(customerId);
      await emulatorJson(emulator.url, `/_emulator/customers/${customer.id}/card`, {
        card: "4000000000000341",
      });
    },
    refundLatestPurchase: async (customerId) => {
      const customer = await customerOf(customerId);
      const intents = await stripe.paymentIntents.list({ customer: customer.id, limit: 100 });
      const paid = intents.data.find((intent) => intent.status === "succeeded")!;
      await stripe.refunds.create({ payment_intent: paid.id });
    },
    close: () => emulator.close(),
  };
}
