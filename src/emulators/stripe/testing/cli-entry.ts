import { runStripeEmulatorCommand } from "../stripe-emulator-cli.js";

// Lets the CLI test run the command in a child process exactly as `billhook emulator stripe` would.
await runStripeEmulatorCommand(process.argv.slice(2));
