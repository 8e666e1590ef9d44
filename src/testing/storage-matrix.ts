import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { randomBase62 } from "../kernel/index.js";
import type { DialectName, Storage } from "../storage/index.js";
import { openStorage } from "../storage/open-storage.js";

export interface StorageFixture {
  dialect: DialectName;
  /** The migrated storage shared by the tests of this block. */
  storage(): Storage;
  /** Another independent connection (pool, or SQLite handle) to the same database: a second instance. */
  openAnother(): Storage;
}

export const dialects: DialectName[] = ["sqlite", "postgres"];

/**
 * Runs `body` once per database, like Kysely's `for (const dialect of DIALECTS)`. Each block gets its
 * own fresh SQLite file or PostgreSQL schema. PostgreSQL blocks are skipped only when the global
 * setup found no server and CI is not set (under CI that is already a failure).
 */
export function describeEachDialect(name: string, body: (fixture: StorageFixture) => void): void {
  for (const dialect of dialects) {
    const postgresUrl = inject("postgresUrl");
    const run = dialect === "postgres" && !postgresUrl ? describe.skip : describe;
    run(`${name} [${dialect}]`, () => {
      const fixture = createFixture(dialect, postgresUrl);
      body(fixture);
    });
  }
}

function createFixture(dialect: DialectName, postgresUrl: string | null): StorageFixture {
  const opened: Storage[] = [];
  let primary: Storage | undefined;
  let directory: string | undefined;
  const schema = `bh_test_${randomBase62(10).toLowerCase()}`;

  const open = (): Storage => {
    const storage =
      dialect === "postgres"
        ? openStorage({ databaseUrl: postgresUrl!, postgresSchema: schema })
        : openStorage({ databaseUrl: join(directory!, "billhook.db") });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    if (dialect === "postgres") await adminQuery(postgresUrl!, `create schema ${schema}`);
    else directory = mkdtempSync(join(tmpdir(), "billhook-test-"));
    primary = open();
    await primary.migrate();
  });

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    if (dialect === "postgres") await adminQuery(postgresUrl!, `drop schema if exists ${schema} cascade`);
    else if (directory) rmSync(directory, { recursive: true, force: true });
  });

  return {
    dialect,
    storage: () => {
      if (!primary) throw new Error("storage is opened in beforeAll; use it inside a test");
      return primary;
    },
    openAnother: open,
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
