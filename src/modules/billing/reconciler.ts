import { BillhookError, type Clock, type Logger, type StoreAccess } from "../../kernel/index.js";
import type { BillingProvider } from "../provider/index.js";
import type { BillingEvent, BillingStores } from "./billing-service.js";
import type { ApplyOutcome } from "./billing-types.js";

export interface ReconcileReport {
  subscriptionsApplied: number;
  ordersApplied: number;
  unchanged: number;
  /** Set when the provider reports our webhook endpoint disabled or missing. */
  webhookEndpointProblem: string | null;
}

/** Re-reads a little before the cursor, so changes racing the previous run are not skipped. */
const cursorOverlapMs = 5 * 60 * 1000;

/**
 * Lists what changed at the provider since the last run and applies it through the same idempotent
 * path as webhooks (`apply` is the provider-event router, so customers hear of what changed):
 * whatever the inbox missed (endpoint down, disabled, events dropped) is repaired.
 */
export class Reconciler<Stores extends BillingStores = BillingStores> {
  readonly #access: StoreAccess<Stores>;
  readonly #apply: (stores: Stores, provider: string, event: BillingEvent) => Promise<ApplyOutcome>;
  readonly #provider: BillingProvider | null;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: {
    access: StoreAccess<Stores>;
    apply: (stores: Stores, provider: string, event: BillingEvent) => Promise<ApplyOutcome>;
    provider: BillingProvider | null;
    clock: Clock;
    logger: Logger;
  }) {
    this.#access = options.access;
    this.#apply = options.apply;
    this.#provider = options.provider;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  async run(options: { webhookUrl?: string; full?: boolean } = {}): Promise<ReconcileReport> {
    const provider = this.#provider;
    if (!provider) throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    const cursorName = `reconcile:${provider.name}`;
    const cursorMs = options.full
      ? null
      : await this.#access.read((stores) => stores.billing.getCursor(cursorName));
    const since = cursorMs === null ? null : new Date(cursorMs - cursorOverlapMs);
    const report: ReconcileReport = {
      subscriptionsApplied: 0,
      ordersApplied: 0,
      unchanged: 0,
      webhookEndpointProblem: null,
    };
    let newestMs = cursorMs ?? 0;

    for (const subscription of await provider.listSubscriptions(since)) {
      const outcome = await this.#access.transaction((stores) =>
        this.#apply(stores, provider.name, { kind: "subscription", subscription }),
      );
      if (outcome === "applied") report.subscriptionsApplied++;
      else report.unchanged++;
      newestMs = Math.max(newestMs, subscription.modifiedAt.getTime());
    }
    for (const order of await provider.listOrders(since)) {
      const outcome = await this.#access.transaction((stores) =>
        this.#apply(stores, provider.name, { kind: "order", order }),
      );
      if (outcome === "applied") report.ordersApplied++;
      else report.unchanged++;
      newestMs = Math.max(newestMs, order.modifiedAt.getTime());
    }
    if (newestMs > 0)
      await this.#access.transaction((stores) => stores.billing.setCursor(cursorName, newestMs));

    if (options.webhookUrl) {
      const status = await provider.webhookEndpointStatus(options.webhookUrl);
      if (status && !status.found)
        report.webhookEndpointProblem = `no ${provider.name} webhook endpoint points at ${options.webhookUrl}`;
      else if (status && !status.enabled)
        report.webhookEndpointProblem = `the ${provider.name} webhook endpoint for ${options.webhookUrl} is DISABLED`;
      if (report.webhookEndpointProblem)
        this.#logger.error({ provider: provider.name }, report.webhookEndpointProblem);
    }
    this.#logger.info({ ...report, at: this.#clock.now().toISOString() }, "reconciled with provider");
    return report;
  }
}
