import type { Billhook } from "../engine.js";

export interface WorkerHandle {
  /** Runs every job once; what `billhook worker --once` and tests call. */
  runOnce(): Promise<void>;
  stop(): void;
}

const purgeIntervalMs = 10 * 60 * 1000;

/**
 * Background jobs. Today: purging expired idempotency records. Later issues add the outbox,
 * webhook retries and provider sync here; each job is safe to run on several instances at once.
 */
export function startWorker(billhook: Billhook, options: { intervalMs?: number } = {}): WorkerHandle {
  const runOnce = async () => {
    let purged = 0;
    for (
      let batch = await billhook.idempotency.purgeExpired();
      batch > 0;
      batch = await billhook.idempotency.purgeExpired()
    ) {
      purged += batch;
    }
    if (purged > 0) billhook.logger.info({ purged }, "purged expired idempotency keys");
  };
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => billhook.logger.error({ error: String(error) }, "worker job failed"));
  }, options.intervalMs ?? purgeIntervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
