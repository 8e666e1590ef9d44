import { parseArgs } from "node:util";
import { startStripeEmulator } from "./stripe-emulator-server.js";

const USAGE =
  "Usage: billhook emulator stripe [--port 12111] [--host 127.0.0.1] [--secret-key sk_test_…] [--state-file <path>] [--seed <n>]";
/** stripe-mock's port, so existing `STRIPE_API_BASE` settings keep working. */
const DEFAULT_PORT = 12111;

/**
 * `billhook emulator stripe`: starts the emulator, prints its URL, keys and an SDK snippet, and runs
 * until SIGINT or SIGTERM.
 *
 * @example
 * await runStripeEmulatorCommand(["--port", "12111", "--state-file", ".billhook/stripe-state.json"]);
 */
export async function runStripeEmulatorCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "secret-key": { type: "string" },
      "state-file": { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError(`Invalid --port ${values.port}. ${USAGE}`);
  const secretKey = values["secret-key"];
  if (secretKey !== undefined && !secretKey.startsWith("sk_test_"))
    throw new TypeError(`--secret-key must start with sk_test_. ${USAGE}`);
  const seed =
    values.seed === undefined ? Date.now() : /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  const emulator = await startStripeEmulator({
    port,
    host: values.host ?? "127.0.0.1",
    secretKey,
    stateFile: values["state-file"],
    seed,
  });
  process.stdout.write(
    [
      `Stripe emulator listening on ${emulator.url}`,
      `Secret key: ${emulator.secretKey}`,
      `Publishable key: ${emulator.publishableKey}`,
      `Seed: ${String(seed)} (pass --seed to replay ids and fault decisions)`,
      `SDK: new Stripe("${emulator.secretKey}", { host: "${emulator.host}", port: ${emulator.port}, protocol: "http" })`,
      `Webhooks: POST ${emulator.url}/v1/webhook_endpoints (the response carries the endpoint's whsec_ secret)`,
      `Clock: POST ${emulator.url}/_emulator/clock/advance {"seconds": 86400}`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      emulator.close().then(resolve, resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
