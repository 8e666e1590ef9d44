/**
 * A Billhook server in its own process, for the test that kills one mid-request. Arguments: the
 * SQLite file (already migrated), the port, and `die-after-spend` (the process SIGKILLs itself right
 * after a spend commits, before answering) or `normal`. `CLOCK_OFFSET_MS` shifts its clock, standing
 * for a restart that comes after the dead request's in-flight idempotency lock has run out.
 */
import { resolveConfig } from "../config/index.js";
import { createBillhook } from "../engine.js";
import { startServer } from "../node/serve.js";
import { openStorage } from "../storage/open-storage.js";

const [databaseUrl, port, mode] = process.argv.slice(2);
const offsetMs = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const billhook = createBillhook({
  storage: openStorage({ databaseUrl: databaseUrl! }),
  clock: { now: () => new Date(Date.now() + offsetMs) },
  config: resolveConfig(
    {},
    {
      catalog: {
        features: { generate: { type: "credits", creditType: "images" } },
        credits: { images: { unit: "image" } },
      },
    },
  ),
});
if (mode === "die-after-spend") {
  const spend = billhook.credits.spend.bind(billhook.credits);
  billhook.credits.spend = async (input) => {
    await spend(input);
    process.kill(process.pid, "SIGKILL");
    return new Promise(() => {});
  };
}
const server = await startServer(billhook, { port: Number(port), host: "127.0.0.1" });
process.stdout.write(`ready ${server.url}\n`);
