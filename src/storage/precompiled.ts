import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { DialectName } from "./dialect.js";
import type { Schema } from "./schema.js";

type Slot = { row: number; column: number } | { value: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
}

/**
 * A query on a hot path, built and compiled once per dialect instead of on every call: Kysely's
 * builder and compiler cost more than better-sqlite3 takes to run a cached statement. `build` is
 * called once with placeholder values; each call then passes real values in the same positions.
 *
 * @example
 * const byCustomer = precompiled((db, id: string) => db.selectFrom("entitlements").selectAll().where("customer_id", "=", id));
 * const rows = await byCustomer.execute(db, "sqlite", "user_1");
 */
export function precompiled<P extends unknown[], R>(
  build: (db: Kysely<Schema>, ...params: P) => Compilable<R>,
) {
  const rows = precompiledRows<P, R>((db, [params]) => build(db, ...(params as P)));
  return {
    execute(db: Kysely<Schema>, dialect: DialectName, ...params: P): Promise<R[]> {
      return rows.execute(db, dialect, [params]);
    },
  };
}

/**
 * `precompiled` for a multi-row statement (an INSERT of n rows): compiled once per dialect and row
 * count, which on a hot path takes few distinct values (a posting has two or three entries).
 */
export function precompiledRows<Row extends unknown[], R>(
  build: (db: Kysely<Schema>, rows: Row[]) => Compilable<R>,
) {
  const cache = new Map<string, Compiled>();

  function compile(db: Kysely<Schema>, key: string, shape: Row[]): Compiled {
    const markers = shape.map((row, rowIndex) =>
      row.map((_, column) => `\u0000billhook_param_${rowIndex}_${column}`),
    ) as Row[];
    const positions = new Map<unknown, Slot>();
    markers.forEach((row, rowIndex) => {
      row.forEach((marker, column) => {
        positions.set(marker, { row: rowIndex, column });
      });
    });
    const compiled = build(db, markers).compile();
    const entry = {
      sql: compiled.sql,
      slots: compiled.parameters.map((parameter) => positions.get(parameter) ?? { value: parameter }),
    };
    cache.set(key, entry);
    return entry;
  }

  return {
    async execute(db: Kysely<Schema>, dialect: DialectName, rows: Row[]): Promise<R[]> {
      const key = `${dialect}:${rows.length}:${rows[0]?.length ?? 0}`;
      const { sql, slots } = cache.get(key) ?? compile(db, key, rows);
      const values = slots.map((slot) => ("value" in slot ? slot.value : rows[slot.row]![slot.column]));
      const result = await db.executeQuery<R>(CompiledQuery.raw(sql, values));
      return result.rows;
    },
  };
}
