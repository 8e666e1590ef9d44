import { runEmulatorCommand } from "../shared/emulator-cli.js";
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
  await runEmulatorCommand(args, {
    usage: USAGE,
    defaultPort: DEFAULT_PORT,
    extraOptions: ["secret-key"],
    start: ({ port, host, stateFile, seed, extra }) => {
      const secretKey = extra["secret-key"];
      if (secretKey !== undefined && !secretKey.startsWith("sk_test_"))
        throw new TypeError(`--secret-key must start with sk_test_. ${USAGE}`);
      return startStripeEmulator({ port, host, secretKey, stateFile, seed });
    },
    banner: (emulator, seed) => [
      `Stripe emulator listening on ${emulator.url}`,
      `Secret key: ${emulator.secretKey}`,
      `Publishable key: ${emulator.publishableKey}`,
      `Seed: ${String(seed)} (pass --seed to replay ids and fault decisions)`,
      `SDK: new Stripe("${emulator.secretKey}", { host: "${emulator.host}", port: ${emulator.port}, protocol: "http" })`,
      `Webhooks: POST ${emulator.url}/v1/webhook_endpoints (the response carries the endpoint's whsec_ secret)`,
      `Clock: POST ${emulator.url}/_emulator/clock/advance {"seconds": 86400}`,
    ],
  });
}
