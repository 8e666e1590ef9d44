import type { Context, Env, Hono } from "hono";
import { z } from "zod";
import type { FaultInjector, FaultSettings } from "./emulator-faults.js";

const rate = z.number().min(0).max(1);
const faultsSchema = z.object({
  seed: z.union([z.number().int(), z.string()]).optional(),
  webhookDropRate: rate.optional(),
  webhookDuplicateRate: rate.optional(),
  webhookReorderRate: rate.optional(),
  webhookDelayRate: rate.optional(),
  webhookDelayMs: z.number().int().min(0).optional(),
  webhookReorderHoldMs: z.number().int().min(0).max(60_000).optional(),
  apiErrorRate: rate.optional(),
  apiLatencyMs: z.number().int().min(0).optional(),
  apiRateLimitRate: rate.optional(),
  apiRetryAfterSeconds: z.number().int().min(0).optional(),
  apiResponseLostRate: rate.optional(),
  apiStallRate: rate.optional(),
  apiStallMs: z.number().int().min(0).optional(),
  apiConnectionResetRate: rate.optional(),
});

/** Reads a JSON body and validates it, throwing in the provider's own error envelope. */
export type JsonBodyParser<E extends Env> = <Schema extends z.ZodType>(
  context: Context<E>,
  schema: Schema,
) => Promise<z.output<Schema>>;

/** What the shared `/_emulator` routes need of a runtime. */
export interface ControlledRuntime {
  faults: FaultInjector;
  dispatcher: { idle(): Promise<void> };
  snapshot(): unknown;
}

export interface ControlRouteHooks<E extends Env> {
  parseBody: JsonBodyParser<E>;
  /** The provider's answer to `GET /_emulator/clock`. */
  clockView(): Record<string, unknown>;
  /** Moves the test clock and runs the work that became due. */
  advanceClock(seconds: number): void;
}

/**
 * Registers the provider-neutral controls under `/_emulator` (no credentials): clock, faults,
 * waiting for webhook delivery, and the state snapshot.
 */
export function registerSharedControlRoutes<E extends Env>(
  app: Hono<E>,
  runtime: ControlledRuntime,
  hooks: ControlRouteHooks<E>,
): void {
  app.get("/_emulator/clock", (context) => context.json(hooks.clockView()));
  app.post("/_emulator/clock/advance", async (context) => {
    const body = await hooks.parseBody(context, z.object({ seconds: z.number().min(0) }));
    hooks.advanceClock(body.seconds);
    return context.json(hooks.clockView());
  });

  const faultsView = () => ({ settings: runtime.faults.settings, fired: runtime.faults.fired });
  app.get("/_emulator/faults", (context) => context.json(faultsView()));
  app.post("/_emulator/faults", async (context) => {
    const { seed, ...settings } = await hooks.parseBody(context, faultsSchema);
    runtime.faults.configure(settings as Partial<FaultSettings>, seed);
    return context.json(faultsView());
  });
  app.delete("/_emulator/faults", (context) => {
    runtime.faults.reset();
    return context.json(faultsView());
  });

  app.post("/_emulator/webhooks/idle", async (context) => {
    await runtime.dispatcher.idle();
    return context.json({ idle: true });
  });
  app.get("/_emulator/state", (context) => context.json(runtime.snapshot()));
}
