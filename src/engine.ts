import { type ResolvedConfig, resolveConfig } from "./config/index.js";
import { type Clock, type Logger, silentLogger, systemClock } from "./kernel/index.js";
import { ApiKeys } from "./modules/api-keys/index.js";
import { Billing, Reconciler } from "./modules/billing/index.js";
import { Catalog, CatalogSync } from "./modules/catalog/index.js";
import { Checkouts } from "./modules/checkout/index.js";
import { Credits } from "./modules/credits/index.js";
import { Customers } from "./modules/customers/index.js";
import { Entitlements } from "./modules/entitlements/index.js";
import { defaultIdempotencyOptions, Idempotency } from "./modules/idempotency/index.js";
import { Ledger } from "./modules/ledger/index.js";
import type { BillingProvider } from "./modules/provider/index.js";
import { CustomerEvents } from "./modules/realtime/index.js";
import { Usage } from "./modules/usage/index.js";
import { WebhookInbox } from "./modules/webhooks/index.js";
import type { Storage, Stores } from "./storage/index.js";

export interface BillhookOptions {
  storage: Storage;
  config?: ResolvedConfig;
  clock?: Clock;
  logger?: Logger;
  /** The payment provider (Polar, Stripe or an emulator); without one, selling is unavailable. */
  provider?: BillingProvider | null;
}

/** The engine: every domain module wired to one storage, clock and logger. */
export interface Billhook {
  readonly storage: Storage;
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ledger: Ledger;
  readonly apiKeys: ApiKeys;
  readonly idempotency: Idempotency;
  readonly provider: BillingProvider | null;
  readonly catalog: Catalog;
  readonly catalogSync: CatalogSync;
  readonly customers: Customers;
  readonly checkouts: Checkouts;
  readonly entitlements: Entitlements;
  readonly billing: Billing;
  readonly credits: Credits;
  readonly usage: Usage;
  readonly events: CustomerEvents;
  readonly webhooks: WebhookInbox<Stores>;
  readonly reconciler: Reconciler;
  close(): Promise<void>;
}

/**
 * The composition root. Builds the engine from its ports; the HTTP app, the CLI and the worker are
 * thin shells over what it returns.
 *
 * @example
 * const billhook = createBillhook({ storage: openStorage({ databaseUrl: process.env.DATABASE_URL }) });
 * await billhook.storage.migrate();
 * const app = createHttpApp(billhook);
 */
export function createBillhook(options: BillhookOptions): Billhook {
  const { storage } = options;
  const config = options.config ?? resolveConfig({});
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const provider = options.provider ?? null;
  const ledger = new Ledger(storage, clock);
  const catalog = new Catalog(config.catalog);
  const catalogSync = new CatalogSync(storage, clock, catalog, provider);
  const customers = new Customers(storage, clock, provider);
  const credits = new Credits({ access: storage, ledger, clock, catalog, settings: config.credits });
  const billing = new Billing({
    ledger,
    catalog,
    clock,
    logger,
    pastDueGraceMs: config.pastDueGraceMs,
    credits,
  });
  const usage = new Usage({ access: storage, clock, catalog, settings: config.usage });
  const entitlements = new Entitlements(
    storage,
    clock,
    catalog,
    config.upgradeUrl,
    (customerId, type) => credits.available(customerId, type),
    (customerId, meter) => usage.quota(customerId, meter),
  );
  const checkouts = new Checkouts({ access: storage, clock, catalog, catalogSync, customers, provider });
  return {
    storage,
    config,
    clock,
    logger,
    ledger,
    apiKeys: new ApiKeys(storage, clock),
    idempotency: new Idempotency(storage, clock, {
      ...defaultIdempotencyOptions,
      retentionMs: config.idempotencyRetentionMs,
    }),
    provider,
    catalog,
    catalogSync,
    customers,
    checkouts,
    entitlements,
    billing,
    credits,
    usage,
    events: new CustomerEvents({ entitlements, credits, catalog }),
    webhooks: new WebhookInbox<Stores>({
      access: storage,
      clock,
      logger,
      providers: (name) => (provider?.name === name ? provider : null),
      apply: async (stores, providerName, event) => {
        if (event.kind === "checkout") return checkouts.recordOutcome(stores, providerName, event);
        if (event.kind === "payment") {
          const attempt = {
            kind: "checkout" as const,
            providerCheckoutId: event.providerPaymentId,
            status: event.status,
          };
          await checkouts.recordOutcome(stores, providerName, attempt);
        }
        return billing.apply(stores, providerName, event);
      },
    }),
    reconciler: new Reconciler({ access: storage, billing, provider, clock, logger }),
    close: () => storage.close(),
  };
}
