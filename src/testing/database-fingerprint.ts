import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Storage } from "../storage/index.js";

/**
 * A hash of every row of every table, per table: two equal fingerprints mean a request changed
 * nothing in the database. Tables in `exclude` are bookkeeping a refused request may legitimately
 * touch (say why at the call site).
 */
export async function databaseFingerprint(
  storage: Storage,
  exclude: readonly string[] = [],
): Promise<Record<string, string>> {
  const db = storage.kysely;
  const tables =
    storage.dialect === "postgres"
      ? (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
        ).rows
      : (
          await sql<{ name: string }>`select name from sqlite_master
            where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows;
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    if (exclude.includes(name)) continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    const lines = rows.map((row) =>
      JSON.stringify(row, (_, value) => (typeof value === "bigint" ? `${value}` : value)),
    );
    fingerprint[name] = createHash("sha256").update(lines.sort().join("\n")).digest("hex").slice(0, 16);
  }
  return fingerprint;
}

/** The tables whose fingerprints differ between `before` and `after`. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
