import { describe, expect, it } from "vitest";
import { type EmulatorFixture, useCheckedEmulatorFixture } from "./testing/emulator-fixture.js";
import { DELIVERY_ATTEMPTS_MAX, ENDPOINT_FAILURE_THRESHOLD } from "./webhook-delivery.js";

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function createCustomers(fixture: EmulatorFixture, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const response = await fixture.api("POST", "/v1/customers/", { email: `buyer${index}@example.com` });
    expect(response.status).toBe(201);
  }
}

describe("webhook delivery like Polar's", () => {
  let fixture: EmulatorFixture;
  const restart = useCheckedEmulatorFixture({ events: ["customer.created"] }, (started) => {
    fixture = started;
  });

  it("retries a failing delivery with the same webhook-id until a 2xx", async () => {
    fixture.receiver.respond = (_webhook, index) => (index < 2 ? 500 : 204);
    await createCustomers(fixture, 1);
    await fixture.emulator.webhooks.idle();
    const ids = fixture.receiver.received.map((webhook) => webhook.headers["webhook-id"]);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    const deliveries = fixture.emulator.webhooks.deliveries();
    expect(deliveries.map((delivery) => [delivery.http_code, delivery.succeeded])).toEqual([
      [500, false],
      [500, false],
      [204, true],
    ]);
  });

  it("treats a redirect as a failure and gives up after 10 attempts", async () => {
    fixture.receiver.respond = () => 302;
    await createCustomers(fixture, 1);
    await fixture.emulator.webhooks.idle();
    expect(fixture.receiver.received).toHaveLength(DELIVERY_ATTEMPTS_MAX);
    const [event] = fixture.emulator.webhooks.events();
    expect(event).toMatchObject({ succeeded: false, last_http_code: 302 });
  });

  it("keeps FIFO order per endpoint: a later event waits for the failing one", async () => {
    fixture.receiver.respond = (_webhook, index) => (index < 3 ? 503 : 200);
    await createCustomers(fixture, 2);
    await fixture.emulator.webhooks.idle();
    const emails = fixture.receiver.received.map((webhook) => JSON.parse(webhook.body).data.email);
    expect(emails).toEqual([
      "buyer0@example.com",
      "buyer0@example.com",
      "buyer0@example.com",
      "buyer0@example.com",
      "buyer1@example.com",
    ]);
  });

  it("times out slow receivers (no status recorded) and retries", async () => {
    // Far apart, so a loaded machine can neither answer the slow one in time nor miss the quick one.
    fixture = await restart({ events: ["customer.created"], deliveryTimeoutMs: 1_000 });
    fixture.receiver.respond = async (_webhook, index) => {
      if (index === 0) await new Promise((resolve) => setTimeout(resolve, 5_000));
      return 200;
    };
    await createCustomers(fixture, 1);
    await fixture.emulator.webhooks.idle();
    const deliveries = fixture.emulator.webhooks.deliveries();
    expect(deliveries[0]).toMatchObject({ succeeded: false, http_code: null });
    expect(deliveries.at(-1)).toMatchObject({ succeeded: true, http_code: 200 });
  });

  it("disables the endpoint after 10 consecutive permanently failed events and skips the rest", async () => {
    fixture.receiver.respond = () => 500;
    await createCustomers(fixture, ENDPOINT_FAILURE_THRESHOLD + 2);
    await fixture.emulator.webhooks.idle();
    const endpoint = await fixture.api("GET", `/v1/webhooks/endpoints/${fixture.endpoint.id}`);
    expect(await endpoint.json()).toMatchObject({ enabled: false });
    const events = fixture.emulator.webhooks.events();
    expect(events.filter((event) => event.succeeded === false)).toHaveLength(ENDPOINT_FAILURE_THRESHOLD);
    expect(events.filter((event) => event.skipped)).toHaveLength(2);
    // Events retry side by side once the FIFO guard lets go, so skipped ones may have had attempts too.
    const attempts = fixture.receiver.received.length;
    expect(attempts).toBeGreaterThanOrEqual(ENDPOINT_FAILURE_THRESHOLD * DELIVERY_ATTEMPTS_MAX);
    expect(attempts).toBeLessThanOrEqual((ENDPOINT_FAILURE_THRESHOLD + 2) * DELIVERY_ATTEMPTS_MAX);
  });

  it("holds later events behind a rejected one for a minute of back-off at most, then sends them", async () => {
    let rejectedId: string | undefined;
    fixture.receiver.respond = (webhook) => {
      rejectedId ??= webhook.headers["webhook-id"];
      return webhook.headers["webhook-id"] === rejectedId ? 400 : 200;
    };
    await createCustomers(fixture, 3);
    await fixture.emulator.webhooks.idle();
    const received = fixture.receiver.received.map((webhook) => webhook.headers["webhook-id"]);
    const rejectedAttempts = received.flatMap((id, index) => (id === rejectedId ? [index] : []));
    expect(rejectedAttempts).toHaveLength(DELIVERY_ATTEMPTS_MAX);
    // The later events went out while the rejected one still had retries left.
    const laterIndexes = received.flatMap((id, index) => (id === rejectedId ? [] : [index]));
    expect(laterIndexes).toHaveLength(2);
    expect(Math.max(...laterIndexes)).toBeLessThan(rejectedAttempts.at(-1)!);
    const events = fixture.emulator.webhooks.events();
    expect(events.map((event) => event.succeeded).sort()).toEqual([false, true, true]);
  });

  it("stops delivering to a deleted endpoint, so waiting for idle returns", async () => {
    fixture = await restart({ events: ["customer.created"], deliverySpeedFactor: 1 });
    fixture.receiver.respond = () => 503;
    await createCustomers(fixture, 2);
    await waitFor(() => fixture.receiver.received.length >= 1);
    const deleted = await fixture.api("DELETE", `/v1/webhooks/endpoints/${fixture.endpoint.id}`);
    expect(deleted.status).toBe(204);
    // At Polar's real pace the next retry is 2 to 4 s away; idle must not wait for it.
    const idle = await fetch(`${fixture.emulator.url}/_emulator/webhooks/idle`, {
      method: "POST",
      signal: AbortSignal.timeout(1_500),
    });
    expect(await idle.json()).toEqual({ idle: true });
    const attempts = fixture.receiver.received.length;
    expect(attempts).toBeLessThanOrEqual(2);
  });

  it("redelivers an event on request with the same webhook-id", async () => {
    await createCustomers(fixture, 1);
    await fixture.emulator.webhooks.idle();
    const [event] = fixture.emulator.webhooks.events();
    const response = await fixture.api("POST", `/v1/webhooks/events/${event!.id}/redeliver`);
    expect(response.status).toBe(202);
    await fixture.emulator.webhooks.idle();
    const ids = fixture.receiver.received.map((webhook) => webhook.headers["webhook-id"]);
    expect(ids).toEqual([event!.id, event!.id]);
    expect(fixture.receiver.received[1]?.body).toBe(fixture.receiver.received[0]?.body);
  });

  it("sends only the event types an endpoint subscribed to", async () => {
    await fixture.api("POST", "/v1/products/", {
      name: "Unwatched",
      prices: [{ amount_type: "fixed", price_amount: 100 }],
    });
    await createCustomers(fixture, 1);
    expect(await fixture.typesSince(0)).toEqual(["customer.created"]);
  });
});
