import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Storage } from "../src/storage/index.js";
import { openStorage } from "../src/storage/open-storage.js";

/** A migrated SQLite storage in a fresh directory, removed afterwards; `directory` is for raw baselines. */
export async function withSqliteBench<T>(
  work: (storage: Storage, directory: string) => Promise<T>,
): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "billhook-bench-"));
  try {
    const storage = openStorage({ databaseUrl: join(directory, "billhook.db") });
    await storage.migrate();
    try {
      return await work(storage, directory);
    } finally {
      await storage.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A migrated PostgreSQL storage in a fresh schema, dropped afterwards; `admin` is a plain client in the
 * same database for raw baselines, and `schema` qualifies their tables.
 */
export async function withPostgresBench<T>(
  url: string,
  poolSizeMax: number,
  work: (storage: Storage, admin: pg.Client, schema: string) => Promise<T>,
): Promise<T> {
  const schema = `bh_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const storage = openStorage({ databaseUrl: url, postgresSchema: schema, poolSizeMax });
    await storage.migrate();
    try {
      return await work(storage, admin, schema);
    } finally {
      await storage.close();
    }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
