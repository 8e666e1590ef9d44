export type DialectName = "sqlite" | "postgres";

/** Differences between the databases that the stores must respect, declared instead of sniffed. */
export interface DialectCapabilities {
  name: DialectName;
  /** Whether concurrent writers exist at all (SQLite serialises every write transaction). */
  concurrentWriters: boolean;
}

const transientSqliteCodes = new Set([
  "SQLITE_BUSY",
  "SQLITE_BUSY_SNAPSHOT",
  "SQLITE_BUSY_RECOVERY",
  "SQLITE_LOCKED",
]);
/** serialization_failure, deadlock_detected */
const transientPostgresCodes = new Set(["40001", "40P01"]);

/** A failure that a retry of the whole transaction may cure. */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (transientSqliteCodes.has(code) || transientPostgresCodes.has(code));
}

/** A unique or primary-key violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
