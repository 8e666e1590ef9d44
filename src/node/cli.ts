import { parseArgs } from "node:util";
import type { Billhook } from "../engine.js";
import { BillhookError } from "../kernel/index.js";
import { type ApiKeyScope, apiKeyScopes } from "../modules/api-keys/index.js";
import { catalogCommand, reconcileCommand, webhooksCommand } from "./billing-commands.js";
import { type CliOutput, untilSignal } from "./cli-io.js";
import { describeDashboard } from "./dashboard-files.js";
import { runDev } from "./dev-command.js";
import { doctorCommand } from "./doctor-command.js";
import { createRuntime } from "./runtime.js";
import { startServer } from "./serve.js";
import { startWorker } from "./worker.js";

const usage = `Usage: billhook <command> [options]

Commands:
  dev                              Service on SQLite with a demo key, for trying Billhook locally
  serve [--port N] [--host H] [--no-migrate]
                                   HTTP API and background worker
  migrate                          Apply pending database migrations
  worker [--once]                  Background jobs only
  keys create --scope admin|server [--name NAME]
                                   Mint an API key; the key alone is printed on the last line
  keys list                        List keys (prefixes only)
  keys revoke <id-or-prefix>       Revoke a key
  ledger verify                    Recompute every balance from its entries; exit 1 on a difference
  catalog push | catalog diff      Make the provider's products match billhook.config.ts (idempotent)
  webhooks list [--status S] | webhooks replay <id> | webhooks replay --failed
  reconcile [--full]               Apply provider changes the webhook inbox missed
  sync status | sync run | sync retry [--id N …]
                                   Usage sync to the provider: backlog and dead letters; send now;
                                   requeue dead letters (all, or the given outbox ids)
  doctor                           Check configuration, provider, catalog, webhook endpoint and ledger
  emulator polar [--port N] [--token T]
                                   Offline Polar API look-alike
  emulator stripe [--port 12111] [--secret-key K]
                                   Offline Stripe API look-alike

Environment: DATABASE_URL (default ./.billhook/billhook.db), PORT (8787), HOST (127.0.0.1), LOG_LEVEL,
POLAR_ACCESS_TOKEN, POLAR_WEBHOOK_SECRET, POLAR_ORGANIZATION_ID, POLAR_ENVIRONMENT, POLAR_API_URL, PUBLIC_ORIGIN.`;

/** Runs one CLI command; returns the process exit code (long-running commands resolve when stopped). */
export async function runCli(argv: string[], output: CliOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "dev":
        return await runDev(rest, output);
      case "serve":
        return await serveCommand(rest, output);
      case "migrate":
        return await withEngine(async (billhook) => {
          const report = await billhook.storage.migrate();
          output.out(`Applied ${report.applied.length} migration(s); at ${report.current.at(-1) ?? "none"}.`);
          return 0;
        });
      case "worker":
        return await workerCommand(rest, output);
      case "keys":
        return await keysCommand(rest, output);
      case "ledger":
        return await ledgerCommand(rest, output);
      case "emulator":
        return await emulatorCommand(rest);
      case "catalog":
        return await withEngine((billhook) =>
          migrated(billhook, () => catalogCommand(billhook, rest, output)),
        );
      case "webhooks":
        return await withEngine((billhook) =>
          migrated(billhook, () => webhooksCommand(billhook, rest, output)),
        );
      case "reconcile":
        return await withEngine((billhook) =>
          migrated(billhook, () => reconcileCommand(billhook, rest, output)),
        );
      case "sync":
        return await withEngine((billhook) => migrated(billhook, () => syncCommand(billhook, rest, output)));
      case "doctor":
        return await withEngine((billhook) => migrated(billhook, () => doctorCommand(billhook, output)));
      case undefined:
      case "help":
      case "--help":
      case "-h":
        output.out(usage);
        return command === undefined ? 1 : 0;
      default:
        output.error(`Unknown command: ${command}\n\n${usage}`);
        return 1;
    }
  } catch (error) {
    output.error(
      error instanceof BillhookError || error instanceof TypeError ? error.message : String(error),
    );
    return 1;
  }
}

async function withEngine(work: (billhook: Billhook) => Promise<number>): Promise<number> {
  const { billhook } = await createRuntime();
  try {
    return await work(billhook);
  } finally {
    await billhook.close();
  }
}

async function migrated(billhook: Billhook, work: () => Promise<number>): Promise<number> {
  await billhook.storage.migrate();
  return work();
}

async function serveCommand(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: "string" }, host: { type: "string" }, "no-migrate": { type: "boolean" } },
  });
  const { billhook, databaseDescription } = await createRuntime();
  if (!values["no-migrate"]) await billhook.storage.migrate();
  const environment = billhook.config.environment;
  const server = await startServer(billhook, {
    port: values.port ? Number(values.port) : environment.PORT,
    host: values.host ?? environment.HOST,
  });
  const origin = environment.PUBLIC_ORIGIN?.replace(/\/$/, "");
  const provider = billhook.provider?.name;
  const worker = startWorker(
    billhook,
    origin && provider ? { webhookUrl: `${origin}/v1/webhooks/${provider}` } : {},
  );
  output.out(`Billhook listening on ${server.url} (database: ${databaseDescription})`);
  output.out(`  dashboard: ${describeDashboard(server.url)}`);
  await untilSignal();
  worker.stop();
  await server.close();
  await billhook.close();
  return 0;
}

async function workerCommand(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { once: { type: "boolean" } } });
  return withEngine(async (billhook) => {
    const worker = startWorker(billhook);
    await worker.runOnce();
    if (!values.once) {
      output.out("Billhook worker running; Ctrl-C to stop.");
      await untilSignal();
    }
    worker.stop();
    return 0;
  });
}

async function syncCommand(billhook: Billhook, args: string[], output: CliOutput): Promise<number> {
  const [subcommand, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { id: { type: "string", multiple: true } } });
  if (subcommand === "status") {
    const status = await billhook.usageSync.status();
    output.out(
      `Usage sync ${status.enabled ? `to ${status.provider}` : "off (the provider takes no usage)"}: ` +
        `${status.backlog} pending (${status.leased} being sent), ${status.dead} dead, lag ${Math.round(status.lagSeconds)} s.`,
    );
    for (const letter of await billhook.usageSync.deadLetters(100))
      output.out(
        `dead ${letter.id}  ${letter.customerId}  ${letter.idempotencyKey}  ${letter.attempts} attempts  ${letter.lastError ?? ""}`,
      );
    return 0;
  }
  if (subcommand === "run") {
    const run = await billhook.usageSync.runOnce();
    output.out(
      `Sent ${run.inserted} new, ${run.duplicates} already there; ${run.failed} failed (${run.dead} now dead).`,
    );
    return run.failed > 0 ? 1 : 0;
  }
  if (subcommand === "retry") {
    const ids = values.id?.map(Number);
    if (ids?.some((id) => !Number.isSafeInteger(id) || id < 1)) {
      output.error("--id takes an outbox id as shown by `billhook sync status`.");
      return 1;
    }
    const { requeued } = await billhook.usageSync.requeueDead(ids ?? null);
    output.out(`Requeued ${requeued} dead letter(s); the worker sends them on its next run.`);
    return 0;
  }
  output.error("Usage: billhook sync status | sync run | sync retry [--id N …]");
  return 1;
}

async function keysCommand(args: string[], output: CliOutput): Promise<number> {
  const [subcommand, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { scope: { type: "string" }, name: { type: "string" } },
  });
  return withEngine(async (billhook) => {
    await billhook.storage.migrate();
    if (subcommand === "create") {
      const scope = values.scope as ApiKeyScope | undefined;
      if (!scope || !apiKeyScopes.includes(scope)) {
        output.error(`--scope must be one of: ${apiKeyScopes.join(", ")}`);
        return 1;
      }
      const { apiKey, secret } = await billhook.apiKeys.create({
        scope,
        name: values.name ?? `${scope} key`,
      });
      output.out(
        `Created ${apiKey.scope} key ${apiKey.id} (${apiKey.prefix}…). It is shown once; store it now:`,
      );
      output.out(secret);
      return 0;
    }
    if (subcommand === "list") {
      for (const key of await billhook.apiKeys.list()) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
        output.out(`${key.id}  ${key.prefix}…  ${key.scope.padEnd(6)}  ${state}  ${key.name}`);
      }
      return 0;
    }
    if (subcommand === "revoke" && positionals[0]) {
      const key = await billhook.apiKeys.revoke(positionals[0]);
      output.out(`Revoked ${key.id} (${key.prefix}…).`);
      return 0;
    }
    output.error(
      "Usage: billhook keys create --scope admin|server [--name NAME] | keys list | keys revoke <id>",
    );
    return 1;
  });
}

async function ledgerCommand(args: string[], output: CliOutput): Promise<number> {
  if (args[0] !== "verify") {
    output.error("Usage: billhook ledger verify");
    return 1;
  }
  return withEngine(async (billhook) => {
    const report = await billhook.ledger.verify();
    output.out(
      `Checked ${report.accountsChecked} account(s) and ${report.transactionsChecked} transaction(s): ${
        report.ok ? "no difference." : "DIFFERENCES FOUND"
      }`,
    );
    for (const difference of report.differences) output.out(JSON.stringify(difference));
    for (const unbalanced of report.unbalancedTransactions) output.out(JSON.stringify(unbalanced));
    return report.ok ? 0 : 1;
  });
}

async function emulatorCommand(args: string[]): Promise<number> {
  const [provider, ...rest] = args;
  if (provider === "polar") {
    const { runPolarEmulatorCommand } = await import("../emulators/polar/polar-emulator-cli.js");
    await runPolarEmulatorCommand(rest);
    return 0;
  }
  if (provider === "stripe") {
    const { runStripeEmulatorCommand } = await import("../emulators/stripe/stripe-emulator-cli.js");
    await runStripeEmulatorCommand(rest);
    return 0;
  }
  throw new TypeError(
    "Usage: billhook emulator polar [--port 8788] | billhook emulator stripe [--port 12111]",
  );
}
