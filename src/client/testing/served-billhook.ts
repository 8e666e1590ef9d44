import { resolveConfig } from "../../config/index.js";
import { type Billhook, createBillhook } from "../../engine.js";
import { ManualClock } from "../../kernel/index.js";
import { openStorage } from "../../storage/open-storage.js";

/** `startServer` from `src/node/serve.ts`, passed in: only Node entry points and tests may import it. */
type StartServer = (
  billhook: Billhook,
  options: { port: number; host: string },
) => Promise<{ url: string; close(): Promise<void> }>;

export interface ServedBillhook {
  billhook: Billhook;
  server: Awaited<ReturnType<StartServer>>;
  adminKey: string;
  serverKey: string;
}

const config = resolveConfig(
  {},
  {
    catalog: {
      features: { generate: { type: "credits", creditType: "images" } },
      credits: { images: { unit: "image" } },
    },
  },
);

/**
 * The real engine and HTTP app on a socket (port 0), over in-memory SQLite, for client tests. */
export async function serveBillhook(start: StartServer): Promise<ServedBillhook> {
  const storage = openStorage({ databaseUrl: ":memory:" });
  await storage.migrate();
  const billhook = createBillhook({ storage, clock: new ManualClock(), config });
  const adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "client admin" })).secret;
  const serverKey = (await billhook.apiKeys.create({ scope: "server", name: "client server" })).secret;
  const server = await start(billhook, { port: 0, host: "127.0.0.1" });
  return { billhook, server, adminKey, serverKey };
}
