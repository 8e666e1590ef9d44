import { runPolarEmulatorCommand } from "../polar-emulator-cli.js";

// Lets the CLI test run the command in a child process exactly as `billhook emulator polar` would.
await runPolarEmulatorCommand(process.argv.slice(2));
