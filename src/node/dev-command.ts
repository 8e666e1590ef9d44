import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Billhook } from "../engine.js";
import { type CliOutput, untilSignal } from "./cli-io.js";
import { createRuntime } from "./runtime.js";
import { startServer } from "./serve.js";
import { startWorker } from "./worker.js";

/** Development only: the demo key is kept in plain text here so it survives restarts. */
const devKeyPath = "./.billhook/dev-api-key";

/**
 * `billhook dev`: the service on the local SQLite file with a demo admin key, for trying Billhook with
 * no account anywhere. The Polar emulator and demo catalog join it as those issues land.
 */
export async function runDev(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: "string" }, host: { type: "string" } } });
  const { billhook, databaseDescription } = await createRuntime();
  await billhook.storage.migrate();
  const demoKey = await ensureDemoKey(billhook);
  const environment = billhook.config.environment;
  const server = await startServer(billhook, {
    port: values.port ? Number(values.port) : environment.PORT,
    host: values.host ?? environment.HOST,
  });
  const worker = startWorker(billhook);
  output.out(`Billhook (dev) listening on ${server.url}`);
  output.out(`  database:      ${databaseDescription}`);
  output.out(`  API reference: ${server.url}/docs`);
  output.out(`  demo API key:  ${demoKey}`);
  output.out(`  try:           curl -H "authorization: Bearer ${demoKey}" ${server.url}/v1/ledger/accounts`);
  await untilSignal();
  worker.stop();
  await server.close();
  await billhook.close();
  return 0;
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
