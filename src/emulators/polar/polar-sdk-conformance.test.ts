import type { Polar } from "@polar-sh/sdk";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPolarEmulator, startPolarEmulator } from "./index.js";
import { OpenApiResponseValidator, type RecordedExchange } from "./testing/openapi-response-validator.js";
import { recordingPolarClient } from "./testing/sdk-recorder.js";

/** Where the emulator knowingly answers outside Polar's OpenAPI document, and why. */
const DELIBERATE_DIFFERENCES = [
  {
    operationId: "products:list",
    status: 401,
    reason:
      "Polar's OpenAPI documents no 401 responses, but the live API answers a bad token with 401 invalid_token (facts §2); the emulator does the same.",
  },
];

/** Every page of a list call, flattened. */
async function collect<T>(pages: AsyncIterable<{ result: { items: T[] } }>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.result.items);
  return items;
}

/**
 * Drives every emulated endpoint through the official SDK (any ResponseValidationError or unexpected
 * status throws), then checks each recorded response against Polar's OpenAPI document.
 */
describe("Polar emulator through @polar-sh/sdk 0.49", () => {
  let emulator: RunningPolarEmulator;
  let polar: Polar;
  let exchanges: RecordedExchange[];
  let settle: () => Promise<void>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startPolarEmulator({ seed: 42, deliverySpeedFactor: 1000 });
    ({ polar, exchanges, settle } = recordingPolarClient(emulator.url, emulator.token));
  });
  afterAll(async () => emulator.close());

  it("serves meters and benefits", async () => {
    const meter = await polar.meters.create({
      name: "API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api.call" }] },
      aggregation: { func: "sum", property: "units" },
    });
    ids.meter = meter.id;
    expect((await polar.meters.get({ id: meter.id })).name).toBe("API calls");
    expect((await polar.meters.update({ id: meter.id, meterUpdate: { name: "API requests" } })).name).toBe(
      "API requests",
    );
    expect(await collect(await polar.meters.list({}))).toHaveLength(1);
    const credit = await polar.benefits.create({
      type: "meter_credit",
      description: "1000 API calls",
      properties: { units: 1000, rollover: false, meterId: meter.id },
    });
    const flag = await polar.benefits.create({
      type: "feature_flag",
      description: "Pro features",
      properties: {},
    });
    const custom = await polar.benefits.create({
      type: "custom",
      description: "Priority support",
      properties: { note: "Mail us" },
    });
    const doomed = await polar.benefits.create({
      type: "custom",
      description: "Temporary",
      properties: { note: null },
    });
    Object.assign(ids, { credit: credit.id, flag: flag.id, custom: custom.id });
    expect((await polar.benefits.get({ id: flag.id })).type).toBe("feature_flag");
    await polar.benefits.update({
      id: custom.id,
      requestBody: { type: "custom", description: "Priority support 24/7" },
    });
    await polar.benefits.delete({ id: doomed.id });
    expect(await collect(await polar.benefits.list({}))).toHaveLength(3);
  });

  it("serves products with fixed, custom and metered prices", async () => {
    const pro = await polar.products.create({
      name: "Pro monthly",
      recurringInterval: "month",
      prices: [
        { amountType: "fixed", priceAmount: 1500, priceCurrency: "usd" },
        { amountType: "metered_unit", meterId: ids.meter!, unitAmount: 0.5, priceCurrency: "usd" },
      ],
    });
    const tip = await polar.products.create({
      name: "Tip jar",
      prices: [
        {
          amountType: "custom",
          minimumAmount: 100,
          maximumAmount: 10_000,
          presetAmount: 500,
          priceCurrency: "usd",
        },
      ],
    });
    Object.assign(ids, { pro: pro.id, tip: tip.id });
    expect(pro.prices.map((price) => price.amountType)).toEqual(["fixed", "metered_unit"]);
    const withBenefits = await polar.products.updateBenefits({
      id: pro.id,
      productBenefitsUpdate: { benefits: [ids.credit!, ids.flag!, ids.custom!] },
    });
    expect(withBenefits.benefits).toHaveLength(3);
    expect(
      (await polar.products.update({ id: tip.id, productUpdate: { description: "Say thanks" } })).description,
    ).toBe("Say thanks");
    expect((await polar.products.get({ id: pro.id })).isRecurring).toBe(true);
    expect(await collect(await polar.products.list({ isRecurring: true }))).toHaveLength(1);
  });

  it("serves customers, customer state and customer sessions", async () => {
    const customer = await polar.customers.create({
      email: "ada@example.com",
      name: "Ada",
      externalId: "user_ada",
    });
    const other = await polar.customers.create({ email: "bob@example.com", externalId: "user_bob" });
    ids.customer = customer.id;
    expect((await polar.customers.get({ id: customer.id })).email).toBe("ada@example.com");
    expect((await polar.customers.getExternal({ externalId: "user_ada" })).id).toBe(customer.id);
    await polar.customers.update({ id: customer.id, customerUpdate: { metadata: { plan: "pro" } } });
    await polar.customers.updateExternal({
      externalId: "user_ada",
      customerUpdateExternalID: { name: "Ada L." },
    });
    expect((await polar.customers.getState({ id: customer.id })).activeSubscriptions).toEqual([]);
    expect((await polar.customers.getStateExternal({ externalId: "user_ada" })).grantedBenefits).toEqual([]);
    expect(await collect(await polar.customers.list({}))).toHaveLength(2);
    const session = await polar.customerSessions.create({ customerId: customer.id });
    expect(session.token).toMatch(/^polar_cst_/);
    const byExternalId = await polar.customerSessions.create({ externalCustomerId: "user_ada" });
    expect(byExternalId.customerId).toBe(customer.id);
    await polar.customers.deleteExternal({ externalId: "user_bob" });
    await expect(polar.customers.get({ id: other.id })).rejects.toBeInstanceOf(ResourceNotFound);
    const carol = await polar.customers.create({ email: "carol@example.com" });
    await polar.customers.delete({ id: carol.id, anonymize: true });
  });

  it("serves checkouts, including the client-secret endpoints", async () => {
    const checkout = await polar.checkouts.create({ products: [ids.pro!], customerId: ids.customer! });
    expect(checkout.status).toBe("open");
    ids.checkout = checkout.id;
    expect((await polar.checkouts.get({ id: checkout.id })).url).toContain(checkout.clientSecret);
    await polar.checkouts.update({ id: checkout.id, checkoutUpdate: { metadata: { source: "test" } } });
    expect(await collect(await polar.checkouts.list({}))).toHaveLength(1);
    const tip = await polar.checkouts.create({
      products: [ids.tip!],
      customerEmail: "dora@example.com",
      amount: 700,
    });
    expect(tip.amount).toBe(700);
    const client = await polar.checkouts.clientGet({ clientSecret: tip.clientSecret });
    expect(client.organization.slug).toBeTruthy();
    await polar.checkouts.clientUpdate({
      clientSecret: tip.clientSecret,
      checkoutUpdatePublic: { customerName: "Dora" },
    });
    const confirmed = await polar.checkouts.clientConfirm({
      clientSecret: tip.clientSecret,
      checkoutConfirmStripe: {},
    });
    expect(confirmed.status).toBe("confirmed");
    expect(confirmed.customerSessionToken).toMatch(/^polar_cst_/);
    const paid = await fetch(`${emulator.url}/_emulator/checkouts/${checkout.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
    // Confirm completes the payment asynchronously, as Polar does.
    await expect
      .poll(async () => (await polar.checkouts.clientGet({ clientSecret: tip.clientSecret })).status)
      .toBe("succeeded");
  });

  it("serves subscriptions, orders, refunds and benefit grants", async () => {
    const [subscription] = await collect(await polar.subscriptions.list({ customerId: ids.customer! }));
    expect(subscription?.status).toBe("active");
    const id = subscription!.id;
    expect((await polar.subscriptions.get({ id })).product.id).toBe(ids.pro);
    const canceled = await polar.subscriptions.update({
      id,
      subscriptionUpdate: { cancelAtPeriodEnd: true },
    });
    expect(canceled.cancelAtPeriodEnd).toBe(true);
    await polar.subscriptions.update({ id, subscriptionUpdate: { cancelAtPeriodEnd: false } });
    const pausing = await polar.subscriptions.update({ id, subscriptionUpdate: { pauseAtPeriodEnd: true } });
    expect(pausing.pauseAtPeriodEnd).toBe(true);
    await polar.subscriptions.update({ id, subscriptionUpdate: { pauseAtPeriodEnd: false } });
    const orders = await collect(await polar.orders.list({}));
    expect(orders.map((order) => order.status)).toEqual(["paid", "paid"]);
    const order = await polar.orders.get({ id: orders[1]!.id });
    const refund = await polar.refunds.create({ orderId: order.id, reason: "customer_request", amount: 500 });
    expect(refund.status).toBe("succeeded");
    expect((await polar.orders.get({ id: order.id })).status).toBe("partially_refunded");
    expect(await collect(await polar.refunds.list({}))).toHaveLength(1);
    const grants = await collect(await polar.benefitGrants.list({ customerId: ids.customer! }));
    expect(grants).toHaveLength(3);
    expect(await collect(await polar.benefits.grants({ id: ids.flag! }))).toHaveLength(1);
    expect((await polar.customers.getState({ id: ids.customer! })).grantedBenefits).toHaveLength(3);
    const revoked = await polar.subscriptions.revoke({ id });
    expect(revoked.status).toBe("canceled");
  });

  it("ingests events with dedup on external_id and reports meter quantities", async () => {
    const events = [
      { name: "api.call", externalCustomerId: "user_ada", externalId: "evt-1", metadata: { units: 3 } },
      { name: "api.call", externalCustomerId: "user_ada", externalId: "evt-2", metadata: { units: 4 } },
    ];
    expect(await polar.events.ingest({ events })).toEqual({ inserted: 2, duplicates: 0 });
    expect(await polar.events.ingest({ events })).toEqual({ inserted: 0, duplicates: 2 });
    const listed = (await polar.events.list({})).items;
    expect(listed).toHaveLength(2);
    await polar.events.get({ id: listed[0]!.id });
    expect(await collect(await polar.events.listNames({}))).toHaveLength(1);
    const now = emulator.clock.now();
    const quantities = await polar.meters.quantities({
      id: ids.meter!,
      startTimestamp: new Date(now.getTime() - 86_400_000),
      endTimestamp: new Date(now.getTime() + 86_400_000),
      interval: "day",
    });
    expect(quantities.total).toBe(7);
  });

  it("serves webhook endpoints, deliveries and redelivery", async () => {
    const endpoint = await polar.webhooks.createWebhookEndpoint({
      url: "http://127.0.0.1:9/unreachable",
      format: "raw",
      events: ["customer.created"],
    });
    expect(endpoint.secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    expect((await polar.webhooks.getWebhookEndpoint({ id: endpoint.id })).url).toBe(endpoint.url);
    await polar.webhooks.updateWebhookEndpoint({ id: endpoint.id, webhookEndpointUpdate: { name: "test" } });
    const reset = await polar.webhooks.resetWebhookEndpointSecret({ id: endpoint.id });
    expect(reset.secret).not.toBe(endpoint.secret);
    expect(await collect(await polar.webhooks.listWebhookEndpoints({}))).toHaveLength(1);
    await polar.customers.create({ email: "erin@example.com" });
    await polar.webhooks.updateWebhookEndpoint({
      id: endpoint.id,
      webhookEndpointUpdate: { enabled: false },
    });
    await emulator.webhooks.idle();
    const deliveries = await collect(await polar.webhooks.listWebhookDeliveries({ endpointId: endpoint.id }));
    expect(deliveries.length).toBeGreaterThan(0);
    await polar.webhooks.redeliverWebhookEvent({ id: deliveries[0]!.webhookEvent.id });
    await polar.webhooks.deleteWebhookEndpoint({ id: endpoint.id });
  });

  it("answers errors in Polar's shapes", async () => {
    await expect(polar.products.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
    await expect(polar.customers.create({ email: "ada@example.com" })).rejects.toBeInstanceOf(
      HTTPValidationError,
    );
    await expect(
      polar.checkouts.create({ products: ["00000000-0000-4000-8000-000000000000"] }),
    ).rejects.toBeInstanceOf(HTTPValidationError);
    const stranger = recordingPolarClient(emulator.url, "polar_oat_wrong");
    const failure = await stranger.polar.products.list({}).catch((error: unknown) => error);
    await stranger.settle();
    exchanges.push(...stranger.exchanges);
    expect(failure).toBeInstanceOf(SDKError);
    expect((failure as SDKError).statusCode).toBe(401);
    expect(JSON.parse((failure as SDKError).body)).toEqual({
      error: "invalid_token",
      error_description:
        "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
    });
  });

  it("every recorded response validates against Polar's OpenAPI document", async () => {
    await settle();
    const validator = new OpenApiResponseValidator();
    const problems = exchanges.flatMap((exchange) => validator.validate(exchange) ?? []);
    const isDeliberate = (problem: { exchange: string; operationId: string | null }) =>
      DELIBERATE_DIFFERENCES.some(
        (difference) =>
          difference.operationId === problem.operationId &&
          problem.exchange.endsWith(`→ ${difference.status}`),
      );
    expect(exchanges.length).toBeGreaterThan(60);
    expect(problems.filter((problem) => !isDeliberate(problem))).toEqual([]);
    // Each listed difference must still occur, so the list cannot silently go stale.
    for (const difference of DELIBERATE_DIFFERENCES) {
      expect(problems.some((problem) => problem.operationId === difference.operationId)).toBe(true);
    }
  });
});
