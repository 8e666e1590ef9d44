import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ALL_EMITTED_EVENT_TYPES, startPolarEmulator } from "../emulators/polar/index.js";
import { startStripeEmulator } from "../emulators/stripe/index.js";
import type { Billhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { randomBase62 } from "../kernel/index.js";
import { type CliOutput, untilSignal } from "./cli-io.js";
import { demoConfig } from "./demo-catalog.js";
import { createRuntime } from "./runtime.js";
import { listen } from "./serve.js";
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
      provider: { type: "string", default: "polar" },
    },
  });
  if (values.provider !== "polar" && values.provider !== "stripe") {
    output.error("--provider must be polar or stripe");
    return 1;
  }
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const port = values.port !== undefined ? Number(values.port) : Number(process.env.PORT ?? 8787);
  const server = await listen((request) => handler(request), {
    port,
    host: values.host ?? process.env.HOST ?? "127.0.0.1",
  });

  const environment = { ...process.env };
  const emulator =
    process.env.POLAR_ACCESS_TOKEN || process.env.STRIPE_SECRET_KEY
      ? null
      : await startEmulator(values.provider, Number(values["emulator-port"] ?? 0), server.url, environment);
  const { billhook, databaseDescription, configFile } = await createRuntime(environment, {
    fallbackConfig: demoConfig,
  });
  await billhook.storage.migrate();
  handler = createHttpApp(billhook).fetch;
  const demoKey = await ensureDemoKey(billhook);
  const worker = startWorker(billhook, {
    webhookUrl: `${server.url}/v1/webhooks/${billhook.provider?.name ?? values.provider}`,
  });

  output.out(`Billhook (dev) listening on ${server.url}`);
  output.out(`  database:       ${databaseDescription}`);
  output.out(`  catalog:        ${configFile ?? "demo catalog (no billhook.config.ts here)"}`);
  output.out(
    `  provider:       ${emulator ? `${emulator.label} at ${emulator.url}` : (billhook.provider?.name ?? "none")}`,
  );
  output.out(`  API reference:  ${server.url}/docs`);
  output.out(`  demo API key:   ${demoKey}`);
  if (billhook.provider) await printDemoCheckout(billhook, server.url, demoKey, output);

  await untilSignal();
  worker.stop();
  await server.close();
  await emulator?.close();
  await billhook.close();
  return 0;
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
): Promise<{ label: string; url: string; close(): Promise<void> }> {
  const seed = randomBase62(8);
  if (provider === "stripe") {
    const stripe = await startStripeEmulator({ port, seed });
    const endpoint = stripe.webhooks.createEndpoint(`${serverUrl}/v1/webhooks/stripe`);
    Object.assign(environment, {
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_API_URL: stripe.url,
      STRIPE_WEBHOOK_SECRET: endpoint.secret,
      STRIPE_PUBLISHABLE_KEY: stripe.publishableKey,
    });
    return { label: "Stripe emulator", url: stripe.url, close: () => stripe.close() };
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
  return { label: "Polar emulator", url: polar.url, close: () => polar.close() };
}

async function printDemoCheckout(
  billhook: Billhook,
  url: string,
  key: string,
  output: CliOutput,
): Promise<void> {
  try {
    const actions = await billhook.catalogSync.push();
    output.out(`  catalog push:   ${actions.map((action) => `${action.key} ${action.kind}`).join(", ")}`);
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

async function ensureDemoKey(billhook: Billhook): Promise<string> {
  const path = resolve(devKeyPath);
  if (existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if (await billhook.apiKeys.authenticate(saved)) return saved;
  }
  const { secret } = await billhook.apiKeys.create({ scope: "admin", name: "billhook dev demo key" });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
