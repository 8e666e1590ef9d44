import { CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { DialectName } from "../dialect.js";
import type { Schema } from "../schema.js";

/** One table's bulk-insert shape: its columns with their PostgreSQL array types, and what follows. */
export interface BulkInsertShape {
  table: string;
  columns: ReadonlyArray<readonly [name: string, postgresArrayType: string]>;
  /** Appended verbatim, e.g. `on conflict (a, b) do nothing returning a, b`. */
  suffix: string;
}

/**
 * Rows per statement: SQLite binds one parameter per value (its limit is 32,766), PostgreSQL one array
 * per column, so only SQLite's statement grows with the chunk.
 */
export const bulkRowsPerStatementMax = 1_000;

const sqlCache = new Map<string, string>();

/**
 * A multi-row INSERT built as SQL text once per shape and row count, then run as a compiled query:
 * the hot ingest path skips Kysely's per-call query building, and SQLite's prepared-statement cache
 * (keyed by SQL text) hits every time. PostgreSQL gets one `unnest` per column, so its text never
 * depends on the row count. `rowValues` holds the rows one after the other (`rowCount` × columns
 * values, in the shape's column order): what SQLite binds as is; PostgreSQL gets one array per column.
 */
export async function bulkInsertRows<Row>(
  db: Pick<Kysely<Schema>, "executeQuery">,
  dialect: DialectName,
  shape: BulkInsertShape,
  rowValues: unknown[],
  rowCount: number,
): Promise<QueryResult<Row>> {
  if (rowCount === 0) return { rows: [] };
  if (rowCount > bulkRowsPerStatementMax) throw new RangeError("bulkInsert: too many rows for one statement");
  const columnCount = shape.columns.length;
  if (rowValues.length !== rowCount * columnCount)
    throw new RangeError("bulkInsert: the values do not make whole rows");
  const key = `${dialect}\u0000${shape.table}\u0000${shape.suffix}\u0000${dialect === "sqlite" ? rowCount : 0}`;
  let text = sqlCache.get(key);
  if (text === undefined) {
    text = insertText(dialect, shape, rowCount);
    sqlCache.set(key, text);
  }
  let parameters = rowValues;
  if (dialect === "postgres") {
    parameters = new Array(columnCount);
    for (let column = 0; column < columnCount; column++) {
      const values = new Array(rowCount);
      for (let row = 0, at = column; row < rowCount; row++, at += columnCount) values[row] = rowValues[at];
      parameters[column] = values;
    }
  }
  return db.executeQuery<Row>(CompiledQuery.raw(text, parameters));
}

function insertText(dialect: DialectName, shape: BulkInsertShape, rowCount: number): string {
  const names = shape.columns.map(([name]) => name).join(", ");
  if (dialect === "postgres") {
    const arrays = shape.columns.map(([, type], index) => `$${index + 1}::${type}`).join(", ");
    return `insert into ${shape.table} (${names}) select * from unnest(${arrays}) ${shape.suffix}`;
  }
  const row = `(${shape.columns.map(() => "?").join(", ")})`;
  return `insert into ${shape.table} (${names}) values ${new Array(rowCount).fill(row).join(", ")} ${shape.suffix}`;
}
