import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
} from "kysely";
import { SafeIntegerPlugin } from "./safe-integer-plugin.js";
import type { Schema } from "./schema.js";

export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  filename: string;
  /**
   * How long SQLite itself waits for a lock before SQLITE_BUSY. Kept short on purpose: better-sqlite3
   * waits synchronously, freezing the event loop, so longer waits are left to the transaction
   * helper's asynchronous retry (`Storage.transaction`).
   */
  busyTimeoutMs?: number;
}

/**
 * Opens SQLite the way a service needs it: WAL so readers never block the writer, a busy timeout so
 * several processes (or connections) can share the file, and `BEGIN IMMEDIATE` so a write transaction takes the write
 * lock up front instead of failing half-way when it upgrades from a read lock.
 */
export function openSqlite(options: SqliteOptions): Kysely<Schema> {
  if (options.filename !== ":memory:") mkdirSync(dirname(options.filename), { recursive: true });
  const database = new SqliteDatabase(options.filename);
  database.pragma("journal_mode = WAL");
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 20}`);
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.defaultSafeIntegers(true);
  return new Kysely<Schema>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
    plugins: [new SafeIntegerPlugin()],
  });
}

/** Distinct SQL texts kept prepared; Billhook's queries are few and parameterised, so this is plenty. */
const preparedStatementsMax = 500;

/**
 * Kysely prepares every statement anew, which costs more than running it. Caching prepared
 * statements by SQL text is safe here because better-sqlite3 runs each statement to completion
 * synchronously and Kysely serialises all use of the one connection.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig["database"] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= preparedStatementsMax) statements.clear();
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new ImmediateTransactionDriver(super.createDriver());
  }
}

/** Delegates everything to Kysely's SQLite driver except how a transaction begins. */
class ImmediateTransactionDriver implements Driver {
  readonly #inner: Driver;

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.#inner.acquireConnection();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
