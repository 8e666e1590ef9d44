import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import type { CustomerChangeBus } from "../modules/realtime/index.js";
import { dashboardAssetsFromDisk } from "../node/dashboard-files.js";
import { type FetchHandler, listen, type RunningServer } from "../node/serve.js";
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
    credits: { images: { unit: "image" } },
    creditPacks: {
      images_100: {
        name: "100 images",
        creditType: "images",
        price: { amountMinor: 900, currency: "USD" },
        amount: 100,
      },
    },
  },
} as const;

export interface ProviderHarness<Driver extends ProviderDriver = ProviderDriver> {
  driver: Driver;
  billhook: Billhook;
  server: RunningServer;
  adminKey: string;
  serverKey: string;
  /** The secret the emulator signs our webhooks with (to forge or sign deliveries in tests). */
  webhookSecret: string;
  api(path: string, init?: RequestInit & { key?: string; json?: unknown }): Promise<Response>;
  settle(): Promise<void>;
  /** Pays a checkout on the emulator's hosted page, posting its form as a person would. */
  payHosted(checkoutUrl: string, card: string, amount?: string): Promise<Response>;
  /** Starts a checkout over our API and pays it on the emulator's hosted page; returns the page's answer. */
  buy(customerId: string, product: string, card?: string): Promise<Response>;
  advanceDays(days: number): Promise<void>;
  check(
    customerId: string,
    feature: string,
  ): Promise<{ allowed: boolean; code: string; activeUntil: string | null }>;
  close(): Promise<void>;
}

/** Billhook over real HTTP with a provider emulator sending it signed webhooks. */
export async function startProviderHarness<Driver extends ProviderDriver>(
  storage: Storage,
  driver: Driver,
  options: {
    settings?: Record<string, unknown>;
    catalog?: Record<string, unknown>;
    marketplace?: Record<string, unknown>;
    /** Realtime signals between instances (default: this process only). */
    changeBus?: CustomerChangeBus;
  } = {},
): Promise<ProviderHarness<Driver>> {
  let handler: FetchHandler = () => new Response("starting", { status: 503 });
  const server = await listen((request, env) => handler(request, env), { port: 0, host: "127.0.0.1" });
  const { provider, webhookSecret } = driver.connect(`${server.url}/v1/webhooks/${driver.name}`);
  const config = resolveConfig(
    {},
    {
      catalog: options.catalog ?? conformanceCatalog.catalog,
      settings: options.settings ?? {},
      ...(options.marketplace ? { marketplace: options.marketplace } : {}),
    },
  );
  const billhook = createBillhook({
    storage,
    config,
    provider,
    clock: driver.clock,
    logger: new MemoryLogger(),
    ...(options.changeBus ? { changeBus: options.changeBus } : {}),
  });
  handler = createHttpApp(billhook, { dashboardAssets: dashboardAssetsFromDisk() }).fetch;
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
  const payHosted = (checkoutUrl: string, card: string, amount?: string) =>
    fetch(checkoutUrl, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        card,
        email: "buyer@example.com",
        ...(amount ? { amount } : {}),
      }).toString(),
    });
  return {
    driver,
    billhook,
    server,
    adminKey,
    serverKey,
    webhookSecret,
    api,
    settle,
    payHosted,
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
      const paid = await payHosted(url, card);
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
