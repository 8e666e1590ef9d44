import { parseArgs } from "node:util";

/** The options every emulator command takes, whatever the provider. */
export interface EmulatorCommandInput {
  port: number;
  host: string;
  stateFile: string | undefined;
  seed: number | string;
  /** The provider's own string options (`--token`, `--secret-key`), by their flag name. */
  extra: Record<string, string | undefined>;
}

export interface EmulatorCommand<Running extends { close(): Promise<void> }> {
  usage: string;
  defaultPort: number;
  /** Provider-specific string flags, without the leading `--`. */
  extraOptions: readonly string[];
  /** Validates the provider's own flags (throwing a TypeError that names the usage) and starts. */
  start(input: EmulatorCommandInput): Promise<Running>;
  /** The lines printed once the emulator listens. */
  banner(running: Running, seed: number | string): string[];
}

function parsePort(value: string | undefined, defaultPort: number, usage: string): number {
  const port = value === undefined ? defaultPort : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError(`Invalid --port ${value}. ${usage}`);
  return port;
}

/** A number seeds as a number (so `--seed 9` replays `seed: 9`), anything else as a string. */
function parseSeed(value: string | undefined): number | string {
  if (value === undefined) return Date.now();
  return /^\d+$/.test(value) ? Number(value) : value;
}

function untilSignalled(close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      close().then(resolve, resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/**
 * Runs an emulator command: parses the flags, starts the emulator, prints its banner and runs until
 * SIGINT or SIGTERM.
 *
 * @example
 * await runEmulatorCommand(["--port", "0"], { usage, defaultPort: 8788, extraOptions: ["token"], start, banner });
 */
export async function runEmulatorCommand<Running extends { close(): Promise<void> }>(
  args: string[],
  command: EmulatorCommand<Running>,
): Promise<void> {
  const extraOptions = Object.fromEntries(
    command.extraOptions.map((name) => [name, { type: "string" as const }]),
  );
  const { values } = parseArgs({
    args,
    options: {
      ...extraOptions,
      port: { type: "string" },
      host: { type: "string" },
      "state-file": { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${command.usage}\n`);
    return;
  }
  const port = parsePort(values.port, command.defaultPort, command.usage);
  const seed = parseSeed(values.seed);
  // parseArgs cannot type options added at run time; every extra option is a string flag.
  const flags = values as Record<string, string | boolean | undefined>;
  const extra = Object.fromEntries(
    command.extraOptions.map((name) => [name, flags[name] as string | undefined]),
  );
  const running = await command.start({
    port,
    host: values.host ?? "127.0.0.1",
    stateFile: values["state-file"],
    seed,
    extra,
  });
  process.stdout.write([...command.banner(running, seed), ""].join("\n"));
  await untilSignalled(() => running.close());
}
