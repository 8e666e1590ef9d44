import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ALL_EMITTED_EVENT_TYPES, startPolarEmulator } from "../emulators/polar/index.js";
import { startStripeEmulator } from "../emulators/stripe/index.js";
import type { Billhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { type Clock, randomBase62 } from "../kernel/index.js";
import { type CliOutput, untilSignal } from "./cli-io.js";
import { dashboardAssetsFromDisk, describeDashboard } from "./dashboard-files.js";
import { createDemoApp } from "./demo-app.js";
import { loadDemoBundle } from "./demo-bundle.js";
import { demoConfig } from "./demo-catalog.js";
import { createRuntime } from "./runtime.js";
import { type FetchHandler, listen } from "./serve.js";
import { startWorker } from "./worker.js";

/** Development only: the demo key is kept in plain text here so it survives restarts. */
const devKeyPath = "./.billhook/dev-api-key";

/**
 * `billhook dev`: the service on the local SQLite file, the Polar emulator in-process with its webhooks
 * pointed at us, the catalog (yours, or a demo one) pushed to it, and a checkout a person can pay with
 * the test card 4242 4242 4242 4242 — no account anywhere. `--provider stripe` uses the Stripe emulator
 * instead; with POLAR_ACCESS_TOKEN or STRIPE_SECRET_KEY set it uses that real account.
 */
export async function runDev(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "emulator-port": { type: "string" },
      "demo-port": { type: "string" },
      provider: { type: "string", default: "polar" },
    },
  });
  if (values.provider !== "polar" && values.provider !== "stripe") {
    output.error("--provider must be polar or stripe");
    return 1;
  }
  const port = values.port !== undefined ? Number(values.port) : Number(process.env.PORT ?? 8787);
  const stack = await startDevStack({
    port,
    host: values.host ?? process.env.HOST ?? "127.0.0.1",
    emulatorPort: Number(values["emulator-port"] ?? 0),
    demoPort: values["demo-port"] !== undefined ? Number(values["demo-port"]) : port === 0 ? 0 : port + 3,
    provider: values.provider,
    environment: process.env,
  });
  const { billhook, serverUrl } = stack;
  output.out(`Billhook (dev) listening on ${serverUrl}`);
  output.out(`  database:       ${stack.databaseDescription}`);
  output.out(`  catalog:        ${stack.configFile ?? "demo catalog (no billhook.config.ts here)"}`);
  output.out(
    `  provider:       ${stack.emulator ? `${stack.emulator.label} at ${stack.emulator.url}` : (billhook.provider?.name ?? "none")}`,
  );
  output.out(`  API reference:  ${serverUrl}/docs`);
  output.out(`  dashboard:      ${describeDashboard(serverUrl)} (sign in with the demo API key)`);
  output.out(`  demo API key:   ${stack.demoKey}`);
  output.out(
    `  demo app:       ${stack.demoUrl}  (widgets from billhook/react: buy credits, pay with 4242…)`,
  );
  if (stack.catalogPush !== null) output.out(`  catalog push:   ${stack.catalogPush}`);
  if (billhook.provider) await printDemoCheckout(billhook, serverUrl, stack.demoKey, output);

  await untilSignal();
  await stack.close();
  return 0;
}

export interface DevStackOptions {
  port: number;
  host: string;
  emulatorPort: number;
  /** The demo app's port (its own origin, as a real app would be); 0 picks a free one. */
  demoPort: number;
  provider: "polar" | "stripe";
  environment: Record<string, string | undefined>;
  /** Where the demo key is kept between runs; default `./.billhook/dev-api-key`. */
  demoKeyPath?: string;
}

export interface DevStack {
  billhook: Billhook;
  serverUrl: string;
  demoUrl: string;
  demoKey: string;
  emulator: { label: string; url: string } | null;
  databaseDescription: string;
  configFile: string | null;
  /** What pushing the catalog to the provider did (null without a provider). */
  catalogPush: string | null;
  close(): Promise<void>;
}

/**
 * Everything `billhook dev` runs: the service, the provider emulator with its webhooks pointed at us,
 * the worker, and the demo app on its own origin (allowed by CORS). Tests start it with port 0.
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  let handler: FetchHandler = () => new Response("starting", { status: 503 });
  const server = await listen((request, env) => handler(request, env), {
    port: options.port,
    host: options.host,
  });
  let demoHandler: (request: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const demoServer = await listen((request) => demoHandler(request), {
    port: options.demoPort,
    host: options.host,
  });

  const environment = { ...options.environment };
  const demoOrigins = [demoServer.url, demoServer.url.replace("127.0.0.1", "localhost")];
  environment.BILLHOOK_CORS_ORIGINS = [environment.BILLHOOK_CORS_ORIGINS, ...demoOrigins]
    .filter(Boolean)
    .join(",");
  const emulator =
    environment.POLAR_ACCESS_TOKEN || environment.STRIPE_SECRET_KEY
      ? null
      : await startEmulator(options.provider, options.emulatorPort, server.url, environment);
  const { billhook, databaseDescription, configFile } = await createRuntime(environment, {
    fallbackConfig: demoConfig,
    ...(emulator ? { emulatorClock: emulator.clock } : {}),
  });
  await billhook.storage.migrate();
  handler = createHttpApp(billhook, { dashboardAssets: dashboardAssetsFromDisk() }).fetch;
  const demoKey = await ensureDemoKey(billhook, options.demoKeyPath ?? devKeyPath);
  const worker = startWorker(billhook, {
    webhookUrl: `${server.url}/v1/webhooks/${billhook.provider?.name ?? options.provider}`,
  });
  let catalogPush: string | null = null;
  if (billhook.provider) {
    try {
      const actions = await billhook.catalogSync.push();
      catalogPush = actions.map((action) => `${action.key} ${action.kind}`).join(", ");
    } catch (error) {
      catalogPush = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  // Built on the first page load, not at start: starting stays as fast as before for API-only use.
  let bundle: Promise<string> | null = null;
  const loadBundle = () => {
    bundle ??= loadDemoBundle();
    bundle.catch(() => {
      bundle = null;
    });
    return bundle;
  };
  demoHandler = createDemoApp({ billhookUrl: server.url, apiKey: demoKey, bundle: loadBundle }).fetch;
  return {
    billhook,
    serverUrl: server.url,
    demoUrl: demoServer.url,
    demoKey,
    emulator: emulator ? { label: emulator.label, url: emulator.url } : null,
    databaseDescription,
    configFile,
    catalogPush,
    close: async () => {
      worker.stop();
      await demoServer.close();
      await server.close();
      await emulator?.close();
      await billhook.close();
    },
  };
}

/**
 * Starts the chosen provider's emulator with its webhooks pointed at us, and sets the environment a
 * real account would (token, API URL, webhook secret).
 */
async function startEmulator(
  provider: "polar" | "stripe",
  port: number,
  serverUrl: string,
  environment: Record<string, string | undefined>,
): Promise<{ label: string; url: string; clock: Clock; close(): Promise<void> }> {
  const seed = randomBase62(8);
  if (provider === "stripe") {
    const stripe = await startStripeEmulator({ port, seed });
    const endpoint = stripe.webhooks.createEndpoint(`${serverUrl}/v1/webhooks/stripe`);
    // Connected accounts' events (account.updated, payout.*) reach only Connect endpoints, as at Stripe:
    // without one a seller who finishes onboarding never becomes ready.
    const connectEndpoint = stripe.webhooks.createEndpoint(`${serverUrl}/v1/webhooks/stripe`, {
      connect: true,
    });
    Object.assign(environment, {
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_API_URL: stripe.url,
      STRIPE_WEBHOOK_SECRET: endpoint.secret,
      STRIPE_CONNECT_WEBHOOK_SECRET: connectEndpoint.secret,
      STRIPE_PUBLISHABLE_KEY: stripe.publishableKey,
    });
    return { label: "Stripe emulator", url: stripe.url, clock: stripe.clock, close: () => stripe.close() };
  }
  const polar = await startPolarEmulator({ port, seed });
  const endpoint = polar.webhooks.createEndpoint(`${serverUrl}/v1/webhooks/polar`, {
    events: ALL_EMITTED_EVENT_TYPES,
  });
  Object.assign(environment, {
    POLAR_ACCESS_TOKEN: polar.token,
    POLAR_API_URL: polar.url,
    POLAR_WEBHOOK_SECRET: endpoint.secret,
  });
  return { label: "Polar emulator", url: polar.url, clock: polar.clock, close: () => polar.close() };
}

async function printDemoCheckout(
  billhook: Billhook,
  url: string,
  key: string,
  output: CliOutput,
): Promise<void> {
  try {
    const product =
      billhook.catalog.entries.find((entry) => entry.kind === "plan") ?? billhook.catalog.entries[0];
    const feature = product?.features[0];
    if (!product) return;
    const customerId = `demo_${randomBase62(6).toLowerCase()}`;
    const checkout = await billhook.checkouts.create({
      customerId,
      product: product.key,
      successUrl: `${url}/docs?checkout_id={CHECKOUT_ID}`,
      email: `${customerId}@example.com`,
    });
    output.out(`  demo checkout:  ${checkout.url}`);
    output.out(
      `                  (customer ${customerId}; pay with 4242 4242 4242 4242, any future date and CVC)`,
    );
    if (feature) {
      output.out(
        `  then check:     curl -H "authorization: Bearer ${key}" "${url}/v1/entitlements/check?customerId=${customerId}&feature=${feature}"`,
      );
    }
  } catch (error) {
    output.error(`  demo checkout unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function ensureDemoKey(billhook: Billhook, keyPath: string): Promise<string> {
  const path = resolve(keyPath);
  if (existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if (await billhook.apiKeys.authenticate(saved)) return saved;
  }
  const { secret } = await billhook.apiKeys.create({ scope: "admin", name: "billhook dev demo key" });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
