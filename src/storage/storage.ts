import { type Kysely, sql } from "kysely";
import type { StoreAccess } from "../kernel/index.js";
import type { ApiKeyStore } from "../modules/api-keys/index.js";
import type { IdempotencyStore } from "../modules/idempotency/index.js";
import type { LedgerStore } from "../modules/ledger/index.js";
import { type DialectName, isTransientConflict } from "./dialect.js";
import { type MigrationReport, migrateToLatest } from "./migrator.js";
import type { Schema } from "./schema.js";
import { KyselyApiKeyStore } from "./stores/api-key-store.js";
import { KyselyIdempotencyStore } from "./stores/idempotency-store.js";
import { KyselyLedgerStore } from "./stores/ledger-store.js";

/** Every store of every module, bound to one connection or transaction. */
export interface Stores {
  ledger: LedgerStore;
  apiKeys: ApiKeyStore;
  idempotency: IdempotencyStore;
}

export interface StorageOptions {
  /** Attempts of a whole transaction when the database reports a transient conflict. */
  transactionAttemptsMax?: number;
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
  readonly #transactionAttemptsMax: number;
  readonly #retryDelayMsMax: number;

  constructor(db: Kysely<Schema>, dialect: DialectName, options: StorageOptions = {}) {
    this.#db = db;
    this.dialect = dialect;
    this.#transactionAttemptsMax = options.transactionAttemptsMax ?? 8;
    this.#retryDelayMsMax = options.retryDelayMsMax ?? 50;
  }

  async transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute((trx) => work(createStores(trx)));
      } catch (error) {
        if (!isTransientConflict(error) || attempt >= this.#transactionAttemptsMax) throw error;
        // Full jitter: colliding transactions spread out instead of colliding again in lockstep.
        const delayMs = Math.random() * Math.min(this.#retryDelayMsMax, 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async read<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return work(createStores(this.#db));
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

  /** For storage-level tests and maintenance tools only; domain code never touches SQL. */
  get kysely(): Kysely<Schema> {
    return this.#db;
  }
}

function createStores(db: Kysely<Schema>): Stores {
  return {
    ledger: new KyselyLedgerStore(db),
    apiKeys: new KyselyApiKeyStore(db),
    idempotency: new KyselyIdempotencyStore(db),
  };
}
