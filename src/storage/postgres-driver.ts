import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { SafeIntegerPlugin } from "./safe-integer-plugin.js";
import type { Schema } from "./schema.js";

export interface PostgresOptions {
  connectionString: string;
  /** Schema to work in (sets `search_path`); tests use one fresh schema per run. */
  schema?: string;
  poolSizeMax?: number;
  /**
   * Names every connection of the pool (`application_name`, at most 63 characters), so another
   * instance can tell from `pg_stat_activity` whether this one still has a session that could commit.
   */
  applicationName?: string;
}

const int8Oid = 20;
const numericOid = 1700;

/**
 * int8 and integral numeric values arrive as BigInt instead of pg's default strings; the
 * SafeIntegerPlugin then turns them into numbers only when that is exact.
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === int8Oid) return (value: string) => BigInt(value);
    if (oid === numericOid) return (value: string) => (/^-?\d+$/.test(value) ? BigInt(value) : value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function openPostgres(options: PostgresOptions): Kysely<Schema> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSizeMax ?? 10,
    types,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
  });
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins: [new SafeIntegerPlugin()] });
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid PostgreSQL schema name: ${name}`);
  return name;
}
