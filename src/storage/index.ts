export { type DialectName, isTransientConflict, isUniqueViolation } from "./dialect.js";
export type { MigrationReport } from "./migrator.js";
export { Storage, type StorageOptions, type Stores } from "./storage.js";
