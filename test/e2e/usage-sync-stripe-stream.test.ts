import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStripeEmulator, startStripeEmulator } from "../../src/emulators/stripe/index.js";
import type { ProviderUsageEvent } from "../../src/modules/provider/index.js";
import { StripeUsageSync } from "../../src/providers/stripe/stripe-usage-sync.js";

/** Usage sync to Stripe through the v2 meter event stream, with v1 as the fallback, on the emulator. */
describe("StripeUsageSync", () => {
  let emulator: RunningStripeEmulator;
  let customerId: string;
  let proxy: ServerType;
  let proxyUrl: URL;
  const paths: string[] = [];

  const clientAt = (key: string, url: URL) => {
    const client = new Stripe(key, {
      host: url.hostname,
      port: Number(url.port),
      protocol: "http",
      maxNetworkRetries: 0,
    });
    client.on("request", (request: Stripe.RequestEvent) => paths.push(request.path));
    return client;
  };
  const syncAt = (url: URL) =>
    new StripeUsageSync({
      stripe: clientAt(emulator.secretKey, url),
      clientForToken: (token) => clientAt(token, url),
      now: () => emulator.clock.now().getTime(),
    });
  const events = (prefix: string, count: number, providerCustomerId: string | null = customerId) =>
    Array.from(
      { length: count },
      (_, index): ProviderUsageEvent => ({
        eventId: `${prefix}-${index}`,
        customerId: "customer_1",
        providerCustomerId,
        name: "api.request",
        value: 2,
        properties: {},
        timestamp: emulator.clock.now(),
      }),
    );
  const storedWith = (prefix: string) =>
    emulator.runtime.store.meterEvents.filter((row) => row.identifier.startsWith(`${prefix}-`)).length;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ seed: 22 });
    const admin = new Stripe(emulator.secretKey, {
      host: emulator.host,
      port: emulator.port,
      protocol: "http",
    });
    await admin.billing.meters.create({
      display_name: "Requests",
      event_name: "api.request",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
    customerId = (await admin.customers.create({ email: "ada@example.com" })).id;
    // A Stripe without the v2 API: /v2 answers 404, everything else reaches the emulator.
    const app = new Hono();
    app.all("/v2/*", (context) =>
      context.json({ error: { type: "invalid_request_error", message: "Unrecognized request URL." } }, 404),
    );
    app.all("*", (context) => {
      const url = new URL(context.req.url);
      return fetch(`${emulator.url}${url.pathname}${url.search}`, context.req.raw);
    });
    proxy = serve({ fetch: app.fetch, port: 0, overrideGlobalObjects: false });
    await new Promise<void>((resolve) => proxy.once("listening", () => resolve()));
    proxyUrl = new URL(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`);
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("streams batches of up to 100 events on one session, and renews the session when it runs out", async () => {
    const sync = syncAt(new URL(emulator.url));
    paths.length = 0;
    const result = await sync.ingest(events("v2", 250), { timeoutMs: 5_000 });
    expect(result).toEqual({ inserted: 250, duplicates: 0, rejected: [] });
    expect(storedWith("v2")).toBe(250);
    expect(paths.filter((path) => path === "/v2/billing/meter_event_stream")).toHaveLength(3);
    expect(paths.filter((path) => path === "/v2/billing/meter_event_session")).toHaveLength(1);

    emulator.clock.advance(15 * 60);
    await sync.ingest(events("renewed", 5), { timeoutMs: 5_000 });
    expect(paths.filter((path) => path === "/v2/billing/meter_event_session")).toHaveLength(2);
    expect(storedWith("renewed")).toBe(5);
  });

  it("rejects events of customers Stripe does not know yet without sending them", async () => {
    const sync = syncAt(new URL(emulator.url));
    const result = await sync.ingest([...events("known", 2), ...events("stranger", 1, null)], {
      timeoutMs: 5_000,
    });
    expect(result).toMatchObject({ inserted: 2, duplicates: 0 });
    expect(result.rejected?.map((row) => row.eventId)).toEqual(["stranger-0"]);
  });

  it("falls back to v1 where Stripe has no v2 meter API, counting repeats as duplicates", async () => {
    const sync = syncAt(proxyUrl);
    const first = await sync.ingest(events("fallback", 3), { timeoutMs: 5_000 });
    expect(first).toEqual({ inserted: 3, duplicates: 0, rejected: [] });
    expect(sync.api).toBe("v1");
    const again = await sync.ingest(events("fallback", 3), { timeoutMs: 5_000 });
    expect(again).toEqual({ inserted: 0, duplicates: 3, rejected: [] });
    expect(storedWith("fallback")).toBe(3);
  });
});
