import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { createHttpApp } from "../http/app.js";
import { type Logger, ManualClock } from "../kernel/index.js";
import type { WebhookNetwork } from "../modules/outbound-webhooks/index.js";
import { nodeWebhookNetwork } from "../node/node-webhook-network.js";
import type { Storage } from "../storage/index.js";

/** A logger that keeps every line, so tests can assert what was (and was not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "info", fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "warn", fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "error", fields, message });
  }
}

export interface TestService {
  billhook: Billhook;
  app: ReturnType<typeof createHttpApp>;
  clock: ManualClock;
  logger: MemoryLogger;
  adminKey: string;
  serverKey: string;
}

/** An engine and its HTTP app over the given (already migrated) storage, with one key per scope. */
export async function createTestService(
  storage: Storage,
  options: {
    clock?: ManualClock;
    environment?: Record<string, string>;
    config?: unknown;
    webhookNetwork?: WebhookNetwork;
  } = {},
): Promise<TestService> {
  const clock = options.clock ?? new ManualClock();
  const logger = new MemoryLogger();
  const billhook = createBillhook({
    storage,
    clock,
    logger,
    config: resolveConfig(options.environment ?? {}, options.config ?? {}),
    webhookNetwork: options.webhookNetwork ?? nodeWebhookNetwork(),
  });
  const app = createHttpApp(billhook);
  const adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "test admin" })).secret;
  const serverKey = (await billhook.apiKeys.create({ scope: "server", name: "test server" })).secret;
  return { billhook, app, clock, logger, adminKey, serverKey };
}

export function authorized(key: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${key}`);
  if (init.body !== undefined && !headers.has("content-type"))
    headers.set("content-type", "application/json");
  return { ...init, headers };
}
