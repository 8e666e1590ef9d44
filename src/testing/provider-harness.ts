import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { listen, type RunningServer } from "../node/serve.js";
import type { Storage } from "../storage/index.js";
import type { ProviderDriver } from "./provider-drivers.js";
import { authorized, MemoryLogger } from "./test-engine.js";

/** The catalog every conformance scenario sells. */
export const conformanceCatalog = {
  catalog: {
    features: { export: {}, priority_support: {}, reports: {} },
    plans: {
      pro: {
        name: "Pro",
        price: { amountMinor: 1200, currency: "USD" },
        interval: "month",
        features: ["export", "priority_support"],
      },
    },
    products: {
      reports_pack: {
        name: "Reports pack",
        price: { amountMinor: 4900, currency: "USD" },
        features: ["reports"],
      },
    },
  },
} as const;

export interface ProviderHarness {
  driver: ProviderDriver;
  billhook: Billhook;
  server: RunningServer;
  serverKey: string;
  api(path: string, init?: RequestInit & { key?: string; json?: unknown }): Promise<Response>;
  settle(): Promise<void>;
  /** Starts a checkout over our API and pays it on the emulator's hosted page; returns the page's answer. */
  buy(customerId: string, product: string, card?: string): Promise<Response>;
  advanceDays(days: number): Promise<void>;
  check(customerId: string, feature: string): Promise<{ allowed: boolean; activeUntil: string | null }>;
  close(): Promise<void>;
}

/** Billhook over real HTTP with a provider emulator sending it signed webhooks. */
export async function startProviderHarness(
  storage: Storage,
  driver: ProviderDriver,
  settings: Record<string, unknown> = {},
): Promise<ProviderHarness> {
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = await listen((request) => handler(request), { port: 0, host: "127.0.0.1" });
  const provider = driver.connect(`${server.url}/v1/webhooks/${driver.name}`);
  const config = resolveConfig({}, { ...conformanceCatalog, settings });
  const billhook = createBillhook({
    storage,
    config,
    provider,
    clock: driver.clock,
    logger: new MemoryLogger(),
  });
  handler = createHttpApp(billhook).fetch;
  const adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "conformance admin" })).secret;
  const serverKey = (await billhook.apiKeys.create({ scope: "server", name: "conformance server" })).secret;

  const api: ProviderHarness["api"] = (path, init = {}) => {
    const { key, json, ...rest } = init;
    const body = json !== undefined ? { body: JSON.stringify(json) } : {};
    return fetch(`${server.url}${path}`, authorized(key ?? adminKey, { ...rest, ...body }));
  };
  const settle = async () => {
    for (let round = 0; round < 3; round++) {
      await driver.idle();
      await billhook.webhooks.drain();
    }
  };
  return {
    driver,
    billhook,
    server,
    serverKey,
    api,
    settle,
    buy: async (customerId, product, card = driver.cards.good) => {
      const created = await api("/v1/checkouts", {
        method: "POST",
        key: serverKey,
        json: {
          customerId,
          product,
          successUrl: "https://app.example.com/thanks",
          email: `${customerId}@example.com`,
        },
      });
      if (created.status !== 201) throw new Error(`checkout: ${created.status} ${await created.text()}`);
      const { url } = (await created.json()) as { url: string };
      const paid = await fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ card, email: `${customerId}@example.com` }).toString(),
      });
      await settle();
      return paid;
    },
    advanceDays: async (days) => {
      driver.clock.advance(days * 86_400);
      await settle();
    },
    check: async (customerId, feature) =>
      (
        await api(`/v1/entitlements/check?customerId=${customerId}&feature=${feature}`, { key: serverKey })
      ).json(),
    close: async () => {
      await driver.close();
      await server.close();
    },
  };
}
