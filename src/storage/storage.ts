import { type Kysely, sql } from "kysely";
import type { StoreAccess } from "../kernel/index.js";
import type { ApiKeyStore } from "../modules/api-keys/index.js";
import type { BillingStore } from "../modules/billing/index.js";
import type { CatalogStore } from "../modules/catalog/index.js";
import type { CheckoutStore } from "../modules/checkout/index.js";
import type { CreditStore } from "../modules/credits/index.js";
import type { CustomerStore } from "../modules/customers/index.js";
import type { EntitlementStore } from "../modules/entitlements/index.js";
import type { IdempotencyStore } from "../modules/idempotency/index.js";
import type { LedgerStore } from "../modules/ledger/index.js";
import type { UsageStore } from "../modules/usage/index.js";
import type { WebhookStore } from "../modules/webhooks/index.js";
import { type DialectName, isTransientConflict } from "./dialect.js";
import { type MigrationReport, migrateToLatest } from "./migrator.js";
import type { Schema } from "./schema.js";
import { KyselyApiKeyStore } from "./stores/api-key-store.js";
import { KyselyBillingStore } from "./stores/billing-store.js";
import { KyselyCatalogStore } from "./stores/catalog-store.js";
import { KyselyCheckoutStore } from "./stores/checkout-store.js";
import { KyselyCreditStore } from "./stores/credit-store.js";
import { KyselyCustomerStore } from "./stores/customer-store.js";
import { KyselyEntitlementStore } from "./stores/entitlement-store.js";
import { KyselyIdempotencyStore } from "./stores/idempotency-store.js";
import { AccountCache, KyselyLedgerStore } from "./stores/ledger-store.js";
import { KyselyUsageStore } from "./stores/usage-store.js";
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
}

export interface StorageOptions {
  /** How long a transaction keeps being retried after transient conflicts before the error surfaces. */
  transactionRetryDeadlineMs?: number;
  /** Upper bound of the randomized back-off between attempts. */
  retryDelayMsMax?: number;
}

/**
 * The one way into the database: a Kysely instance plus its dialect. Runtime-agnostic; the drivers
 * that produce the Kysely instance (better-sqlite3, pg, later D1) live in their own files.
 */
export class Storage implements StoreAccess<Stores> {
  readonly dialect: DialectName;
  readonly #db: Kysely<Schema>;
  readonly #transactionRetryDeadlineMs: number;
  readonly #retryDelayMsMax: number;
  readonly #accountCache = new AccountCache();

  constructor(db: Kysely<Schema>, dialect: DialectName, options: StorageOptions = {}) {
    this.#db = db;
    this.dialect = dialect;
    this.#transactionRetryDeadlineMs = options.transactionRetryDeadlineMs ?? 5_000;
    this.#retryDelayMsMax = options.retryDelayMsMax ?? 50;
  }

  /**
   * Retries the whole transaction on SQLITE_BUSY, serialization failures and deadlocks, with
   * randomized back-off, until the deadline. Waiting here rather than in SQLite's busy handler keeps
   * the event loop free: better-sqlite3 would otherwise block the whole process while it waits.
   */
  async transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    const startedAtMs = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute((trx) => work(this.#createStores(trx)));
      } catch (error) {
        const expired = Date.now() - startedAtMs >= this.#transactionRetryDeadlineMs;
        if (!isTransientConflict(error) || expired) throw error;
        // Full jitter: colliding transactions spread out instead of colliding again in lockstep.
        const delayMs = Math.random() * Math.min(this.#retryDelayMsMax, 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async read<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return work(this.#createStores(this.#db));
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
      ledger: new KyselyLedgerStore(db, this.#accountCache),
      apiKeys: new KyselyApiKeyStore(db),
      idempotency: new KyselyIdempotencyStore(db),
      customers: new KyselyCustomerStore(db),
      catalog: new KyselyCatalogStore(db),
      checkouts: new KyselyCheckoutStore(db),
      webhooks: new KyselyWebhookStore(db),
      billing: new KyselyBillingStore(db),
      entitlements: new KyselyEntitlementStore(db),
      credits: new KyselyCreditStore(db, this.dialect),
      usage: new KyselyUsageStore(db),
    };
  }

  /** For storage-level tests and maintenance tools only; domain code never touches SQL. */
  get kysely(): Kysely<Schema> {
    return this.#db;
  }
}
