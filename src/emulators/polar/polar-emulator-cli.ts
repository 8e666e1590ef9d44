import { runEmulatorCommand } from "../shared/emulator-cli.js";
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
  await runEmulatorCommand(args, {
    usage: USAGE,
    defaultPort: DEFAULT_PORT,
    extraOptions: ["token"],
    start: ({ port, host, stateFile, seed, extra }) =>
      startPolarEmulator({ port, hostname: host, token: extra.token, stateFile, seed }),
    banner: (emulator, seed) => [
      `Polar emulator listening on ${emulator.url}`,
      `Access token: ${emulator.token}`,
      `Seed: ${String(seed)} (pass --seed to replay ids and fault decisions)`,
      `SDK: new Polar({ accessToken: "${emulator.token}", serverURL: "${emulator.url}" })`,
      `Clock: POST ${emulator.url}/_emulator/clock/advance {"seconds": 86400}`,
    ],
  });
}
