import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { createBillhook } from "../../engine.js";
import { ManualClock } from "../../kernel/index.js";
import { nodeWebhookNetwork } from "../../node/node-webhook-network.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../../testing/test-engine.js";
import { startWebhookInboxServer } from "../../testing/webhook-inbox-server.js";

const catalog = {
  features: {
    generate: { type: "credits", creditType: "images" },
    api: { type: "metered", meter: "api_calls" },
  },
  credits: { images: { unit: "image" } },
  meters: { api_calls: { event: "api.request" } },
  plans: {
    pro: {
      name: "Pro",
      price: { amountMinor: 1200, currency: "USD" },
      interval: "month",
      features: ["api"],
      limits: { api_calls: { limit: 10, overage: "block" } },
    },
  },
};

let sequence = 0;
const customer = () => `c${Date.now().toString(36)}_${sequence++}`;

describeEachDialect("outbound webhooks", (fixture) => {
  let service: TestService;
  let inbox: Awaited<ReturnType<typeof startWebhookInboxServer>>;
  const clock = new ManualClock(new Date());

  const api = (path: string, init: RequestInit = {}) =>
    service.app.request(path, authorized(service.adminKey, init));
  const createEndpoint = async (body: Record<string, unknown>) => {
    const response = await api("/v1/webhook-endpoints", { method: "POST", body: JSON.stringify(body) });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & { id: string; secret: string },
    };
  };
  const grant = (customerId: string, amount: number, key = `grant_${amount}`) =>
    service.billhook.credits.grant({ customerId, type: "images", amount, idempotencyKey: key });
  const spend = (customerId: string, amount: number, key: string) =>
    service.billhook.credits.spend({ customerId, type: "images", amount, idempotencyKey: key });
  const run = () => service.billhook.outbound.dispatcher.run();
  const ofCustomer = (customerId: string) =>
    inbox.received.filter((webhook) => webhook.json.data.customerId === customerId);

  beforeAll(async () => {
    service = await createTestService(fixture.storage(), {
      clock,
      config: { catalog, settings: { creditsLowBalance: 5, webhookFailuresBeforePause: 3 } },
    });
    inbox = await startWebhookInboxServer();
  });
  afterAll(() => inbox?.close());
  // Each scenario registers its own endpoints; none may receive the next scenario's events.
  afterEach(async () => {
    for (const endpoint of await service.billhook.outbound.endpoints.list())
      await service.billhook.outbound.endpoints.delete(endpoint.id);
    inbox.setAnswer(() => 204);
  });

  it("shows the secret once, refuses unknown event types and lists the endpoint without its secret", async () => {
    const created = await createEndpoint({ url: `${inbox.url}?probe`, eventTypes: ["order.paid"] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const listed = (await (await api("/v1/webhook-endpoints")).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(listed.items.find((item) => item.id === created.body.id)).not.toHaveProperty("secret");
    const typo = await createEndpoint({ url: inbox.url, eventTypes: ["credit.low"] });
    expect(typo.status).toBe(422);
    expect(typo.body).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await api(`/v1/webhook-endpoints/${created.body.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("delivers credits.granted, credits.low once per crossing and credits.depleted, signed with Standard Webhooks", async () => {
    const { body: endpoint } = await createEndpoint({ url: inbox.url, eventTypes: ["credits.*"] });
    const customerId = customer();
    await grant(customerId, 10);
    await spend(customerId, 3, "s1"); // 10 → 7: above the threshold of 5
    await spend(customerId, 3, "s2"); // 7 → 4: crosses it
    await spend(customerId, 1, "s3"); // 4 → 3: already low, nothing new
    await spend(customerId, 3, "s2"); // a replayed spend records nothing
    await spend(customerId, 3, "s4"); // 3 → 0: depleted
    await run();

    const received = ofCustomer(customerId);
    expect(received.map((webhook) => webhook.json.type)).toEqual([
      "credits.granted",
      "credits.low",
      "credits.depleted",
    ]);
    expect(received[1]!.json.data).toEqual({ customerId, type: "images", balance: 4, threshold: 5 });
    for (const webhook of received) {
      expect(new Webhook(endpoint.secret).verify(webhook.body, webhook.headers)).toEqual(webhook.json);
      expect(webhook.headers["webhook-id"]).toBe(webhook.json.id);
    }
  });

  it("records credits.low and credits.depleted exactly once when many spends race across them", async () => {
    await createEndpoint({ url: inbox.url, eventTypes: ["credits.low", "credits.depleted"] });
    const customerId = customer();
    await grant(customerId, 20);
    // 25 concurrent spends of 1 against 20 credits: group-committed, five refused, none overdraws.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 25 }, (_, index) => spend(customerId, 1, `race_${index}`)),
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(20);
    await run();
    expect(ofCustomer(customerId).map((webhook) => [webhook.json.type, webhook.json.data.balance])).toEqual([
      ["credits.low", 5],
      ["credits.depleted", 0],
    ]);
  });

  it("retries a failing endpoint with back-off, pauses it after the limit with the reason, and resumes in order", async () => {
    const failing = await startWebhookInboxServer(() => 500);
    try {
      const { body: endpoint } = await createEndpoint({ url: failing.url, eventTypes: ["credits.granted"] });
      const customerId = customer();
      await grant(customerId, 1, "g1");
      await grant(customerId, 2, "g2");
      await run();
      expect(failing.received).toHaveLength(1); // the second event waits behind the first
      await run();
      expect(failing.received).toHaveLength(1); // not due again before its back-off
      clock.advance(60 * 60 * 1000);
      await run();
      clock.advance(60 * 60 * 1000);
      await run();
      expect(failing.received).toHaveLength(3);
      const paused = (await (await api(`/v1/webhook-endpoints/${endpoint.id}`)).json()) as Record<
        string,
        unknown
      >;
      expect(paused).toMatchObject({ status: "paused", consecutiveFailures: 3 });
      expect(paused.pauseReason).toMatch(/3 consecutive failed deliveries; last: HTTP 500/);
      clock.advance(60 * 60 * 1000);
      await run();
      expect(failing.received).toHaveLength(3); // paused: nothing is sent

      const deliveries = (await (await api(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).json()) as {
        items: Array<Record<string, unknown>>;
      };
      const first = deliveries.items.find((item) => item.attempts === 3)!;
      expect(first).toMatchObject({ status: "pending", lastStatusCode: 500, lastError: "HTTP 500" });
      expect(String(first.lastResponseBody).length).toBeLessThanOrEqual(1024);

      failing.setAnswer(() => 200);
      expect((await api(`/v1/webhook-endpoints/${endpoint.id}/resume`, { method: "POST" })).status).toBe(200);
      await run();
      const amounts = failing.received.slice(3).map((webhook) => webhook.json.data.amount);
      expect(amounts).toEqual([1, 2]);
    } finally {
      await failing.close();
    }
  });

  it("holds back only the failing customer's later events, and redelivers on request with the same webhook-id", async () => {
    const blocked = customer();
    const free = customer();
    inbox.setAnswer((webhook) => (webhook.json.data.customerId === blocked ? 503 : 204));
    const { body: endpoint } = await createEndpoint({ url: inbox.url, eventTypes: ["credits.granted"] });
    await grant(blocked, 1, "b1");
    await grant(blocked, 2, "b2");
    await grant(free, 3, "f1");
    await run();
    expect(ofCustomer(blocked).map((webhook) => webhook.json.data.amount)).toEqual([1]);
    expect(ofCustomer(free).map((webhook) => webhook.json.data.amount)).toEqual([3]);

    inbox.setAnswer(() => 204);
    clock.advance(60 * 60 * 1000);
    await run();
    expect(ofCustomer(blocked).map((webhook) => webhook.json.data.amount)).toEqual([1, 1, 2]);

    const { items } = (await (
      await api(`/v1/webhook-endpoints/${endpoint.id}/deliveries?status=delivered`)
    ).json()) as {
      items: Array<{ id: string; eventId: string; endpointId: string }>;
    };
    const target = items.find((item) =>
      ofCustomer(free).some((webhook) => webhook.json.id === item.eventId),
    )!;
    const redelivered = await api(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${target.id}/redeliver`, {
      method: "POST",
    });
    expect(redelivered.status).toBe(200);
    await run();
    expect(ofCustomer(free).map((webhook) => webhook.headers["webhook-id"])).toEqual([
      target.eventId,
      target.eventId,
    ]);
  });

  it("sends each delivery once when two instances run the dispatcher at the same time", async () => {
    const other = createBillhook({
      storage: fixture.openAnother(),
      clock,
      config: resolveConfig({}, { catalog }),
      webhookNetwork: nodeWebhookNetwork(),
    });
    await createEndpoint({ url: inbox.url, eventTypes: ["credits.granted"] });
    const customers = Array.from({ length: 12 }, () => customer());
    for (const customerId of customers) await grant(customerId, 5, "many");
    await Promise.all([run(), other.outbound.dispatcher.run(), run(), other.outbound.dispatcher.run()]);
    const ids = customers.flatMap((customerId) => ofCustomer(customerId).map((webhook) => webhook.json.id));
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });

  it("records usage.threshold once per level and period, only while an endpoint listens", async () => {
    const customerId = customer();
    await service.billhook.storage.transaction((stores) =>
      stores.entitlements.replaceForSource(
        "subscription",
        `sub_${customerId}`,
        [
          {
            customerId,
            featureKey: "api",
            sourceKind: "subscription",
            sourceId: `sub_${customerId}`,
            catalogKey: "pro",
            activeUntilMs: null,
            lapseCode: null,
          },
        ],
        clock.now().getTime(),
      ),
    );
    const track = (count: number, prefix: string) =>
      service.billhook.usage.ingest(
        Array.from({ length: count }, (_, index) => ({
          customerId,
          event: "api.request",
          idempotencyKey: `${prefix}${index}`,
        })),
      );
    await track(8, "unheard"); // 80 %, but nobody listens yet: nothing recorded
    await createEndpoint({ url: inbox.url, eventTypes: ["usage.threshold"] });
    await track(1, "a"); // 90 %: warning
    await track(1, "b"); // 100 %: critical and exceeded
    await track(1, "c"); // still exceeded: nothing new
    await run();
    const received = ofCustomer(customerId);
    expect(received.map((webhook) => webhook.json.data.threshold)).toEqual([
      "warning",
      "critical",
      "exceeded",
    ]);
    expect(received[0]!.json.data).toMatchObject({
      meter: "api_calls",
      used: 9,
      limit: 10,
      thresholdPercent: 80,
    });
  });
});

describeEachDialect("webhook URLs in production", (fixture) => {
  let service: TestService;
  let rebindTo = "93.184.216.34";
  beforeAll(async () => {
    service = await createTestService(fixture.storage(), {
      environment: { NODE_ENV: "production" },
      webhookNetwork: nodeWebhookNetwork({
        resolveHost: async (hostname) =>
          hostname === "hooks.example.test"
            ? [{ address: rebindTo, family: 4 }]
            : (await import("node:dns/promises")).lookup(hostname, { all: true }),
      }),
    });
  });
  const register = (url: string) =>
    service.app.request(
      "/v1/webhook-endpoints",
      authorized(service.adminKey, {
        method: "POST",
        body: JSON.stringify({ url, eventTypes: ["credits.*"] }),
      }),
    );

  it.each([
    "http://127.0.0.1:8080/hooks",
    "http://10.0.0.7/hooks",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hooks",
    "http://localhost:3000/hooks",
  ])("refuses %s with WEBHOOK_URL_REFUSED and stores nothing", async (url) => {
    const response = await register(url);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: "WEBHOOK_URL_REFUSED" });
    expect(await service.billhook.outbound.endpoints.list()).toEqual([]);
  });

  it("refuses at connect time a name that resolved publicly at registration and now resolves to loopback", async () => {
    rebindTo = "93.184.216.34";
    const response = await register("http://hooks.example.test/billhook");
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    rebindTo = "127.0.0.1";
    await service.billhook.credits
      .grant({ customerId: "rebind", type: "images", amount: 1, idempotencyKey: "r" })
      .catch(() => undefined);
    await service.billhook.storage.transaction(async (stores) => {
      const { recordDomainEvent } = await import("../domain-events/index.js");
      await recordDomainEvent(stores, {
        type: "credits.depleted",
        data: { customerId: "rebind", type: "images", balance: 0 },
        occurredAtMs: Date.now(),
      });
    });
    await service.billhook.outbound.dispatcher.run();
    const [delivery] = await service.billhook.outbound.endpoints.deliveries(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(delivery!.lastError).toMatch(/127\.0\.0\.1 is refused \(loopback\)/);
  });
});
