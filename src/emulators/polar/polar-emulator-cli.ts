import { parseArgs } from "node:util";
import { startPolarEmulator } from "./polar-emulator-server.js";

const USAGE =
  "Usage: billhook emulator polar [--port 8788] [--token <access token>] [--state-file <path>] [--seed <n>]";
const DEFAULT_PORT = 8788;

/**
 * `billhook emulator polar`: starts the emulator, prints its URL and token, and runs until interrupted.
 *
 * @example
 * await runPolarEmulatorCommand(["--port", "8788", "--state-file", ".billhook/polar-state.json"]);
 */
export async function runPolarEmulatorCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      token: { type: "string" },
      "state-file": { type: "string" },
      seed: { type: "string" },
      host: { type: "string" },
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
  const seed =
    values.seed === undefined ? Date.now() : /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  const emulator = await startPolarEmulator({
    port,
    hostname: values.host ?? "127.0.0.1",
    token: values.token,
    stateFile: values["state-file"],
    seed,
  });
  process.stdout.write(
    [
      `Polar emulator listening on ${emulator.url}`,
      `Access token: ${emulator.token}`,
      `Seed: ${String(seed)} (pass --seed to replay ids and fault decisions)`,
      `SDK: new Polar({ accessToken: "${emulator.token}", serverURL: "${emulator.url}" })`,
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
