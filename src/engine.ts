import { type MarketplaceConfig, type ResolvedConfig, resolveConfig } from "./config/index.js";
import { type Clock, dayMs, type Logger, silentLogger, systemClock } from "./kernel/index.js";
import { AdminReads } from "./modules/admin/index.js";
import { ApiKeys } from "./modules/api-keys/index.js";
import { type ApplyOutcome, Billing, Reconciler } from "./modules/billing/index.js";
import { Catalog, CatalogSync } from "./modules/catalog/index.js";
import { Checkouts } from "./modules/checkout/index.js";
import { Credits } from "./modules/credits/index.js";
import { CustomerTokens } from "./modules/customer-tokens/index.js";
import { Customers } from "./modules/customers/index.js";
import { Entitlements } from "./modules/entitlements/index.js";
import { Idempotency, type Ticker } from "./modules/idempotency/index.js";
import { Ledger } from "./modules/ledger/index.js";
import { Marketplace, revenueShareRefused } from "./modules/marketplace/index.js";
import {
  addressVetter,
  fetchWebhookNetwork,
  OutboundDispatcher,
  WebhookEndpoints,
  type WebhookNetwork,
} from "./modules/outbound-webhooks/index.js";
import type { BillingProvider, ProviderEvent } from "./modules/provider/index.js";
import { providerEventRouter } from "./modules/provider-events/index.js";
import { MemoryRateLimitStore, RateLimiter, type RateLimitStore } from "./modules/rate-limits/index.js";
import {
  announceWrites,
  type CustomerChangeBus,
  CustomerEvents,
  LocalChangeBus,
} from "./modules/realtime/index.js";
import { DashboardSessions } from "./modules/sessions/index.js";
import { Settings } from "./modules/settings/index.js";
import { Usage, UsageSync } from "./modules/usage/index.js";
import { WebhookInbox } from "./modules/webhook-inbox/index.js";
import type { Storage, Stores } from "./storage/index.js";

export interface BillhookOptions {
  storage: Storage;
  config?: ResolvedConfig;
  clock?: Clock;
  logger?: Logger;
  /** The payment provider (Polar, Stripe or an emulator); without one, selling is unavailable. */
  provider?: BillingProvider | null;
  /**
   * Carries "customer changed" signals to realtime watchers on every instance (PostgreSQL NOTIFY or
   * Redis pub/sub; see `billhook/node`'s `openChangeBus`). Default: this process only.
   */
  changeBus?: CustomerChangeBus;
  /**
   * How outbound webhooks reach the app. On Node pass `nodeWebhookNetwork()` from `billhook/node`
   * (`createRuntime` does), which pins each connection to a vetted address; the default uses `fetch`
   * and can vet only IP-literal hosts.
   */
  webhookNetwork?: WebhookNetwork;
  /**
   * Where rate-limit counters live; defaults to this process's memory. Pass a shared store (Redis,
   * `REDIS_URL` in the service) when several instances must share one limit.
   */
  rateLimitStore?: RateLimitStore;
  /**
   * Schedules the heartbeat of this instance's lease, which keeps its idempotency claims alive
   * (default `setInterval`; tests pass a `ManualTicker`).
   */
  ticker?: Ticker;
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
  readonly rateLimits: RateLimiter;
  readonly usageSync: UsageSync;
  readonly events: CustomerEvents;
  readonly changeBus: CustomerChangeBus;
  /** Short-lived customer-scoped tokens for browsers (`bh_ct_…`). */
  readonly customerTokens: CustomerTokens;
  readonly webhooks: WebhookInbox<Stores>;
  /**
   * Applies one provider event in its own unit of work exactly as a webhook delivery is applied: the
   * same modules, and the same realtime signals once it commits. For events that come from elsewhere
   * (development's simulated payment); deliveries go through `webhooks`.
   */
  applyProviderEvent(provider: string, event: ProviderEvent): Promise<ApplyOutcome>;
  readonly reconciler: Reconciler<Stores>;
  readonly marketplace: Marketplace;
  /** Outbound webhooks to the app: its endpoints, and the dispatcher the worker runs. */
  readonly outbound: { readonly endpoints: WebhookEndpoints; readonly dispatcher: OutboundDispatcher };
  readonly settings: Settings;
  /** Dashboard sign-in sessions (an admin key exchanged for an HttpOnly cookie). */
  readonly sessions: DashboardSessions;
  /** Read models for the admin API and dashboard. */
  readonly admin: AdminReads;
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
  const changeBus = options.changeBus ?? new LocalChangeBus();
  const ledger = new Ledger(storage, clock);
  const vet = addressVetter(config.webhooks.allowPrivateAddresses);
  const webhookNetwork = options.webhookNetwork ?? fetchWebhookNetwork;
  const dispatcher = new OutboundDispatcher({
    access: storage,
    clock,
    logger,
    network: webhookNetwork,
    vet,
    failuresBeforePause: config.webhooks.failuresBeforePause,
  });
  const settings = new Settings({ access: storage, clock, defaults: config.runtimeDefaults });
  const catalog = new Catalog(config.catalog);
  const catalogSync = new CatalogSync(storage, clock, catalog, provider);
  const customers = new Customers(storage, clock, provider);
  const credits = new Credits({
    access: storage,
    ledger,
    clock,
    catalog,
    settings: config.credits,
    runtime: settings,
  });
  const billing = new Billing({
    ledger,
    catalog,
    clock,
    logger,
    pastDueGraceMs: config.pastDueGraceMs,
    runtime: settings,
    credits,
  });
  const usageSync = new UsageSync({ access: storage, clock, logger, provider, settings: config.usageSync });
  const usage = new Usage({
    access: storage,
    clock,
    catalog,
    settings: config.usage,
    runtime: settings,
    thresholdEventsWanted: () => dispatcher.wants("usage.threshold"),
    queueSync: usageSync.enabled,
  });
  const rateLimits = new RateLimiter({
    store: options.rateLimitStore ?? new MemoryRateLimitStore(),
    catalog,
    clock,
    logger,
  });
  const entitlements = new Entitlements({
    access: storage,
    clock,
    catalog,
    upgradeUrlTemplate: config.upgradeUrl,
    creditBalance: (customerId, type) => credits.available(customerId, type),
    meterQuota: (customerId, meter) => usage.quota(customerId, meter),
    rateLimit: (customerId, feature) => rateLimits.consume(customerId, feature),
  });
  const checkouts = new Checkouts({ access: storage, clock, catalog, catalogSync, customers, provider });
  // Sellers on a provider that forbids a revenue share (Polar) is refused at start, not at first sale.
  if (config.marketplace && provider && !provider.sellerPayments) throw revenueShareRefused(provider.name);
  const marketplace = new Marketplace({
    access: storage,
    ledger,
    clock,
    logger,
    provider,
    // The fee and the delay are runtime settings (PATCH /v1/settings); the rest is static config.
    settings: async (within) => {
      const runtime = await settings.current(within);
      return {
        ...(config.marketplace ?? defaultMarketplaceSettings),
        platformFeeBps: runtime.platformFeeBps,
        settlementDelayMs: runtime.sellerSettlementDelayDays * dayMs,
      };
    },
  });
  announceWrites(credits, usage, changeBus);
  const applyProviderEvent = providerEventRouter<Stores>(
    { billing, checkouts, marketplace },
    (stores, customerId) => storage.afterCommit(stores, () => changeBus.publish(customerId)),
  );
  const apiKeys = new ApiKeys(storage, clock);
  const idempotency = new Idempotency({
    access: storage,
    clock,
    logger,
    instanceId: storage.instanceId,
    retentionMs: config.idempotencyRetentionMs,
    ...(options.ticker ? { ticker: options.ticker } : {}),
  });
  const admin = new AdminReads({
    access: storage,
    clock,
    sources: {
      entitlements: (customerId) => entitlements.listActive(customerId),
      credits: (customerId) => credits.balances(customerId),
      usage: (customerId) => usage.status(customerId),
      checkouts: (customerId) => checkouts.listOf(customerId),
    },
  });
  return {
    storage,
    config,
    clock,
    logger,
    ledger,
    apiKeys,
    idempotency,
    provider,
    catalog,
    catalogSync,
    customers,
    checkouts,
    entitlements,
    billing,
    credits,
    usage,
    events: new CustomerEvents({
      entitlements,
      credits,
      catalog,
      usage,
      checkoutsOf: (customerId) => checkouts.listOf(customerId),
      bus: changeBus,
      fallbackPollMs: config.realtime.fallbackPollMs,
    }),
    changeBus,
    customerTokens: new CustomerTokens(storage, clock, { secret: config.realtime.tokenSecret }),
    rateLimits,
    usageSync,
    webhooks: new WebhookInbox<Stores>({
      access: storage,
      clock,
      logger,
      providers: (name) => (provider?.name === name ? provider : null),
      apply: applyProviderEvent,
    }),
    applyProviderEvent: (providerName, event) =>
      storage.transaction((stores) => applyProviderEvent(stores, providerName, event)),
    reconciler: new Reconciler<Stores>({
      access: storage,
      apply: applyProviderEvent,
      provider,
      clock,
      logger,
    }),
    marketplace,
    outbound: {
      endpoints: new WebhookEndpoints({
        access: storage,
        clock,
        network: webhookNetwork,
        vet,
        onChange: () => dispatcher.forgetSubscriptions(),
      }),
      dispatcher,
    },
    settings,
    sessions: new DashboardSessions(storage, clock, apiKeys),
    admin,
    close: async () => {
      await idempotency.close();
      await changeBus.close();
      await rateLimits.close();
      await storage.close();
    },
  };
}

/** Marketplace settings when the config declares none (sellers then work only on a provider that allows them). */
const defaultMarketplaceSettings: MarketplaceConfig = resolveConfig({}, { marketplace: {} }).marketplace!;
