import { type Kysely, sql } from "kysely";
import type { StoreAccess, UnitOfWork } from "../kernel/index.js";
import type { AdminStore } from "../modules/admin/index.js";
import type { ApiKeyStore } from "../modules/api-keys/index.js";
import type { BillingStore } from "../modules/billing/index.js";
import type { CatalogStore } from "../modules/catalog/index.js";
import type { CheckoutStore } from "../modules/checkout/index.js";
import type { CreditStore } from "../modules/credits/index.js";
import type { SecretStore } from "../modules/customer-tokens/index.js";
import type { CustomerStore } from "../modules/customers/index.js";
import type { DomainEventStore } from "../modules/domain-events/index.js";
import type { EntitlementStore } from "../modules/entitlements/index.js";
import { type IdempotencyStore, newInstanceId } from "../modules/idempotency/index.js";
import type { LedgerStore } from "../modules/ledger/index.js";
import type { MarketplaceStore, SellerDisputeStore } from "../modules/marketplace/index.js";
import type { OutboundStore } from "../modules/outbound-webhooks/index.js";
import type { SessionStore } from "../modules/sessions/index.js";
import type { SettingsStore } from "../modules/settings/index.js";
import type { UsageStore, UsageSyncStore } from "../modules/usage/index.js";
import type { WebhookStore } from "../modules/webhook-inbox/index.js";
import { type DialectName, isTransientConflict } from "./dialect.js";
import { type MigrationReport, migrateToLatest } from "./migrator.js";
import type { Schema } from "./schema.js";
import { KyselyAdminStore } from "./stores/admin-store.js";
import { KyselyApiKeyStore } from "./stores/api-key-store.js";
import { KyselyBillingStore } from "./stores/billing-store.js";
import { KyselyCatalogStore } from "./stores/catalog-store.js";
import { KyselyCheckoutStore } from "./stores/checkout-store.js";
import { KyselyCreditStore } from "./stores/credit-store.js";
import { KyselyCustomerStore } from "./stores/customer-store.js";
import { KyselyDomainEventStore } from "./stores/domain-event-store.js";
import { KyselyEntitlementStore } from "./stores/entitlement-store.js";
import { KyselyIdempotencyStore } from "./stores/idempotency-store.js";
import { AccountCache, KyselyLedgerStore } from "./stores/ledger-store.js";
import { KyselyMarketplaceStore } from "./stores/marketplace-store.js";
import { KyselyOutboundStore } from "./stores/outbound-store.js";
import { KyselySecretStore } from "./stores/secret-store.js";
import { KyselySellerDisputeStore } from "./stores/seller-dispute-store.js";
import { KyselySessionStore } from "./stores/session-store.js";
import { KyselySettingsStore } from "./stores/settings-store.js";
import { KyselyUsageStore } from "./stores/usage-store.js";
import { KyselyUsageSyncStore } from "./stores/usage-sync-store.js";
import { KyselyWebhookStore } from "./stores/webhook-store.js";

/** Every store of every module, bound to one connection or transaction. */
export interface Stores {
  ledger: LedgerStore;
  apiKeys: ApiKeyStore;
  idempotency: IdempotencyStore;
  customers: CustomerStore;
  catalog: CatalogStore;
  checkouts: CheckoutStore;
  webhooks: WebhookStore;
  billing: BillingStore;
  entitlements: EntitlementStore;
  credits: CreditStore;
  usage: UsageStore;
  marketplace: MarketplaceStore;
  sellerDisputes: SellerDisputeStore;
  domainEvents: DomainEventStore;
  outbound: OutboundStore;
  settings: SettingsStore;
  secrets: SecretStore;
  sessions: SessionStore;
  admin: AdminStore;
  usageSync: UsageSyncStore;
}

export interface StorageOptions {
  /** How long a transaction keeps being retried after transient conflicts before the error surfaces. */
  transactionRetryDeadlineMs?: number;
  /** Upper bound of the randomized back-off between attempts. */
  retryDelayMsMax?: number;
  /** The driver's change stamp (`StoreAccess.changeStamp`); without one, nothing read is kept. */
  changeStamp?: () => string;
  /**
   * Who this connection (pool) is: the owner recorded on idempotency claims and, on PostgreSQL, the
   * pool's `application_name`. Default: a fresh random id, one per process that opens the database.
   */
  instanceId?: string;
}

/**
 * The one way into the database: a Kysely instance plus its dialect. Runtime-agnostic; the drivers
 * that produce the Kysely instance (better-sqlite3, pg, later D1) live in their own files.
 */
export class Storage implements StoreAccess<Stores> {
  readonly dialect: DialectName;
  readonly instanceId: string;
  readonly #db: Kysely<Schema>;
  readonly #transactionRetryDeadlineMs: number;
  readonly #retryDelayMsMax: number;
  readonly #changeStamp: (() => string) | null;
  readonly #accountCache = new AccountCache();
  /** Callbacks waiting for the commit of the transaction that handed out these stores. */
  readonly #afterCommit = new WeakMap<Stores, Array<() => void>>();

  constructor(db: Kysely<Schema>, dialect: DialectName, options: StorageOptions = {}) {
    this.#db = db;
    this.dialect = dialect;
    this.instanceId = options.instanceId ?? newInstanceId();
    this.#transactionRetryDeadlineMs = options.transactionRetryDeadlineMs ?? 5_000;
    this.#retryDelayMsMax = options.retryDelayMsMax ?? 50;
    this.#changeStamp = options.changeStamp ?? null;
  }

  /**
   * Retries the whole transaction on SQLITE_BUSY, serialization failures and deadlocks, with
   * randomized back-off, until the deadline. Waiting here rather than in SQLite's busy handler keeps
   * the event loop free: better-sqlite3 would otherwise block the whole process while it waits.
   */
  async transaction<T>(work: (stores: Stores, unit: UnitOfWork) => Promise<T>): Promise<T> {
    const startedAtMs = Date.now();
    for (let attempt = 1; ; attempt++) {
      const committed: Array<() => void> = [];
      try {
        const result = await this.#db.transaction().execute((trx) => {
          const stores = this.#createStores(trx);
          this.#afterCommit.set(stores, committed);
          return work(stores, unitOfWork(trx));
        });
        for (const callback of committed) callback();
        return result;
      } catch (error) {
        const expired = Date.now() - startedAtMs >= this.#transactionRetryDeadlineMs;
        if (!isTransientConflict(error) || expired) throw error;
        // Full jitter: colliding transactions spread out instead of colliding again in lockstep.
        const delayMs = Math.random() * Math.min(this.#retryDelayMsMax, 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * Runs `callback` once the transaction `stores` belong to has committed (at once, outside one).
   * For signals that must not fire for work that rolls back, such as "this customer changed".
   */
  afterCommit(stores: Stores, callback: () => void): void {
    const pending = this.#afterCommit.get(stores);
    if (pending) pending.push(callback);
    else callback();
  }

  async read<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return work(this.#createStores(this.#db));
  }

  changeStamp(): string | null {
    return this.#changeStamp === null ? null : this.#changeStamp();
  }

  async migrate(): Promise<MigrationReport> {
    return migrateToLatest(this.#db as Kysely<unknown>, this.dialect);
  }

  /** Throws unless the database answers a trivial query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  #createStores(db: Kysely<Schema>): Stores {
    return {
      ledger: new KyselyLedgerStore(db, this.#accountCache, this.dialect),
      apiKeys: new KyselyApiKeyStore(db),
      idempotency: new KyselyIdempotencyStore(db, this.dialect),
      customers: new KyselyCustomerStore(db),
      catalog: new KyselyCatalogStore(db),
      checkouts: new KyselyCheckoutStore(db),
      webhooks: new KyselyWebhookStore(db),
      billing: new KyselyBillingStore(db),
      entitlements: new KyselyEntitlementStore(db, this.dialect),
      credits: new KyselyCreditStore(db, this.dialect),
      usage: new KyselyUsageStore(db, this.dialect),
      usageSync: new KyselyUsageSyncStore(db, this.dialect),
      marketplace: new KyselyMarketplaceStore(db, this.dialect),
      sellerDisputes: new KyselySellerDisputeStore(db, this.dialect),
      domainEvents: new KyselyDomainEventStore(db),
      outbound: new KyselyOutboundStore(db),
      settings: new KyselySettingsStore(db),
      secrets: new KyselySecretStore(db),
      sessions: new KyselySessionStore(db),
      admin: new KyselyAdminStore(db),
    };
  }

  /** For storage-level tests and maintenance tools only; domain code never touches SQL. */
  get kysely(): Kysely<Schema> {
    return this.#db;
  }
}

/** Savepoints on the transaction's own connection; names only need to be unique within it. */
function unitOfWork(trx: Kysely<Schema>): UnitOfWork {
  let depth = 0;
  return {
    async savepoint<T>(work: () => Promise<T>): Promise<T> {
      const name = sql.raw(`billhook_sp_${++depth}`);
      await sql`savepoint ${name}`.execute(trx);
      try {
        const result = await work();
        await sql`release savepoint ${name}`.execute(trx);
        return result;
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        await sql`release savepoint ${name}`.execute(trx);
        throw error;
      } finally {
        depth--;
      }
    },
    isTransientConflict,
  };
}
