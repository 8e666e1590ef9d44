import { Polar } from "@polar-sh/sdk";
import { resolveConfig } from "../config/index.js";
import type { FaultSettings } from "../emulators/polar/index.js";
import {
  ALL_EMITTED_EVENT_TYPES,
  type RunningPolarEmulator,
  startPolarEmulator,
} from "../emulators/polar/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { listen, type RunningServer } from "../node/serve.js";
import { PolarProvider } from "../providers/polar/polar-provider.js";
import type { Storage } from "../storage/index.js";
import { authorized, MemoryLogger } from "./test-engine.js";

export const testCatalog = {
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
    tips: {
      tip: { name: "Tip", currency: "USD", minimumMinor: 100, maximumMinor: 10_000, presetMinor: 500 },
    },
  },
} as const;

export interface PolarHarness {
  emulator: RunningPolarEmulator;
  billhook: Billhook;
  server: RunningServer;
  polar: Polar;
  adminKey: string;
  serverKey: string;
  webhookSecret: string;
  api(path: string, init?: RequestInit & { key?: string; json?: unknown }): Promise<Response>;
  /** Lets every webhook reach us and be processed. */
  settle(): Promise<void>;
  /** Pays a checkout through the hosted page's form, as a person would. */
  payHosted(checkoutUrl: string, card: string, amount?: string): Promise<Response>;
  advanceDays(days: number): Promise<void>;
  faults(settings: Partial<FaultSettings>): Promise<void>;
  check(customerId: string, feature: string): Promise<{ allowed: boolean; activeUntil: string | null }>;
  close(): Promise<void>;
}

/** Billhook served over real HTTP, with the Polar emulator sending it signed webhooks. */
export async function startPolarHarness(
  storage: Storage,
  options: {
    settings?: Record<string, unknown>;
    seed?: string;
    events?: readonly string[];
    /** Replaces `testCatalog.catalog` (e.g. one with credit packs). */
    catalog?: Record<string, unknown>;
  } = {},
): Promise<PolarHarness> {
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = await listen((request) => handler(request), { port: 0, host: "127.0.0.1" });
  const emulator = await startPolarEmulator({
    seed: options.seed ?? "billhook-e2e",
    deliverySpeedFactor: 10_000,
  });
  const endpoint = emulator.webhooks.createEndpoint(`${server.url}/v1/webhooks/polar`, {
    events: options.events ?? ALL_EMITTED_EVENT_TYPES,
  });
  const provider = new PolarProvider({
    accessToken: emulator.token,
    serverUrl: emulator.url,
    webhookSecret: endpoint.secret,
  });
  const config = resolveConfig(
    {},
    {
      catalog: options.catalog ?? testCatalog.catalog,
      ...(options.settings ? { settings: options.settings } : {}),
    },
  );
  const billhook = createBillhook({
    storage,
    config,
    provider,
    clock: emulator.clock,
    logger: new MemoryLogger(),
  });
  handler = createHttpApp(billhook).fetch;
  const adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "e2e admin" })).secret;
  const serverKey = (await billhook.apiKeys.create({ scope: "server", name: "e2e server" })).secret;

  const api: PolarHarness["api"] = (path, init = {}) => {
    const { key, json, ...rest } = init;
    return fetch(
      `${server.url}${path}`,
      authorized(key ?? adminKey, { ...rest, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }),
    );
  };
  const settle = async () => {
    for (let round = 0; round < 3; round++) {
      await emulator.webhooks.idle();
      await billhook.webhooks.drain();
    }
  };
  return {
    emulator,
    billhook,
    server,
    polar: new Polar({ accessToken: emulator.token, serverURL: emulator.url }),
    adminKey,
    serverKey,
    webhookSecret: endpoint.secret,
    api,
    settle,
    payHosted: (checkoutUrl, card, amount) =>
      fetch(checkoutUrl, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ card, ...(amount ? { amount } : {}) }).toString(),
      }),
    advanceDays: async (days) => {
      emulator.clock.advance(days * 86_400);
      await settle();
    },
    faults: async (settings) => {
      await fetch(`${emulator.url}/_emulator/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(settings),
      });
    },
    check: async (customerId, feature) => {
      const response = await api(`/v1/entitlements/check?customerId=${customerId}&feature=${feature}`, {
        key: serverKey,
      });
      return response.json();
    },
    close: async () => {
      await emulator.close();
      await server.close();
    },
  };
}
