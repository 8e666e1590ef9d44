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
  type SqliteStatement,
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
export interface SqliteConnection {
  db: Kysely<Schema>;
  /**
   * Changes whenever the database may have changed (`StoreAccess.changeStamp`). Two parts:
   * - every write statement run by any connection of this process counts at once (`processWrites`);
   * - a commit by another process moves SQLite's `data_version`, which costs a file lock to read, so
   *   it is read once per event-loop turn: every request that arrived before such a commit finished
   *   sees it. (Only a pipelined request arriving during the very turn could be answered as of the
   *   turn's start, which is when it was sent.)
   */
  changeStamp: () => string;
}

/** Write statements run by every SQLite connection of this process (see `countingWrites`). */
const processWrites = { count: 0 };

export function openSqlite(options: SqliteOptions): SqliteConnection {
  if (options.filename !== ":memory:") mkdirSync(dirname(options.filename), { recursive: true });
  const database = new SqliteDatabase(options.filename);
  database.pragma("journal_mode = WAL");
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 20}`);
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.defaultSafeIntegers(true);
  const dataVersion = database.prepare("pragma data_version").pluck().safeIntegers(false);
  let otherCommits: number | null = null;
  const forgetOtherCommits = () => {
    otherCommits = null;
  };
  return {
    db: new Kysely<Schema>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(database, processWrites) }),
      plugins: [new SafeIntegerPlugin()],
    }),
    changeStamp: () => {
      if (otherCommits === null) {
        otherCommits = dataVersion.get() as number;
        setImmediate(forgetOtherCommits);
      }
      return `${otherCommits}:${processWrites.count}`;
    },
  };
}

/** Distinct SQL texts kept prepared; Billhook's queries are few and parameterised, so this is plenty. */
const preparedStatementsMax = 500;

/**
 * Kysely prepares every statement anew, which costs more than running it. Caching prepared
 * statements by SQL text is safe here because better-sqlite3 runs each statement to completion
 * synchronously and Kysely serialises all use of the one connection. Every statement that may write
 * (`insert … returning` included, which Kysely runs with `all`) counts in `writes` as it runs.
 */
function withStatementCache(
  database: SqliteDatabase.Database,
  writes: { count: number },
): SqliteDialectConfig["database"] {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= preparedStatementsMax) statements.clear();
        statement = countingWrites(database.prepare(text), writes);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function countingWrites(statement: SqliteDatabase.Statement, writes: { count: number }): SqliteStatement {
  if (statement.readonly) return statement;
  return {
    reader: statement.reader,
    all: (parameters) => {
      writes.count++;
      return statement.all(parameters);
    },
    iterate: (parameters) => {
      writes.count++;
      return statement.iterate(parameters);
    },
    run: (parameters) => {
      writes.count++;
      return statement.run(parameters);
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
