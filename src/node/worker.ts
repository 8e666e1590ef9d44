import type { Billhook } from "../engine.js";

export interface WorkerHandle {
  /** Runs every job once; what `billhook worker --once` and tests call. */
  runOnce(): Promise<void>;
  stop(): void;
}

export interface WorkerOptions {
  /** How often due webhook deliveries are processed (they are also processed right after intake). */
  webhookIntervalMs?: number;
  /** How often domain events are fanned out and due outbound webhooks delivered. */
  outboundWebhookIntervalMs?: number;
  /** How often the provider is reconciled; 0 turns it off. */
  reconcileIntervalMs?: number;
  /** Our public webhook URL, so the reconciler can report a disabled endpoint. */
  webhookUrl?: string;
  /** How often usage is sent to the provider; defaults to `settings.usageSync.intervalMs` (5 s). */
  usageSyncIntervalMs?: number;
}

const purgeIntervalMs = 10 * 60 * 1000;
/** Expired grants and holds are also settled whenever their balance is touched; this covers the rest. */
const creditSweepIntervalMs = 60 * 1000;
/** Monthly allowances of yearly plans arrive between provider events; hourly is well within a day. */
const allowanceIntervalMs = 60 * 60 * 1000;
/** Seller earnings become available after a delay of days; dashboards also settle when read. */
const earningsSettleIntervalMs = 5 * 60 * 1000;

/**
 * Background jobs, each safe to run on several instances at once: processing (and retrying) webhook
 * deliveries, delivering outbound webhooks to the app, reconciling with the provider, settling expired
 * credit grants and holds, granting monthly allowances, sending usage to the provider through the
 * outbox (leases keep instances apart), and purging expired idempotency records.
 */
export function startWorker(billhook: Billhook, options: WorkerOptions = {}): WorkerHandle {
  const failed = (job: string) => (error: unknown) =>
    billhook.logger.error(
      { job, error: error instanceof Error ? error.message : String(error) },
      "worker job failed",
    );
  const purge = async () => {
    await billhook.outbound.dispatcher.purge();
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
  const reconcile = async () => {
    if (billhook.provider)
      await billhook.reconciler.run(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {});
  };
  const sweepCredits = () => billhook.credits.sweep();
  const syncUsage = async () => {
    if (billhook.usageSync.enabled) await billhook.usageSync.runOnce();
  };
  const refreshAllowances = () => billhook.billing.refreshAllAllowances(billhook.storage);
  const settleEarnings = async () => {
    await billhook.marketplace.settleDue();
    await billhook.marketplace.recoverLostDisputes();
  };
  const deliverWebhooks = () => billhook.outbound.dispatcher.run();
  const timers = [
    setInterval(() => purge().catch(failed("purge")), purgeIntervalMs),
    setInterval(() => sweepCredits().catch(failed("credits")), creditSweepIntervalMs),
    setInterval(() => refreshAllowances().catch(failed("allowances")), allowanceIntervalMs),
    setInterval(() => settleEarnings().catch(failed("marketplace")), earningsSettleIntervalMs),
    setInterval(
      () => billhook.webhooks.drain().catch(failed("webhooks")),
      options.webhookIntervalMs ?? 2_000,
    ),
    setInterval(
      () => deliverWebhooks().catch(failed("outbound webhooks")),
      options.outboundWebhookIntervalMs ?? 1_000,
    ),
    setInterval(
      () => syncUsage().catch(failed("usage-sync")),
      options.usageSyncIntervalMs ?? billhook.config.usageSync.intervalMs,
    ),
  ];
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 10 * 60 * 1000;
  if (reconcileIntervalMs > 0)
    timers.push(setInterval(() => reconcile().catch(failed("reconcile")), reconcileIntervalMs));
  for (const timer of timers) timer.unref();
  return {
    runOnce: async () => {
      await billhook.webhooks.drain();
      await reconcile();
      await deliverWebhooks();
      await sweepCredits();
      await refreshAllowances();
      await settleEarnings();
      await syncUsage();
      await purge();
    },
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
