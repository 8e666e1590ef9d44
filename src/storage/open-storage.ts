import { resolve } from "node:path";
import { newInstanceId } from "../modules/idempotency/index.js";
import { openPostgres } from "./postgres-driver.js";
import { openSqlite } from "./sqlite-driver.js";
import { Storage, type StorageOptions } from "./storage.js";

export const defaultSqlitePath = "./.billhook/billhook.db";

export interface OpenStorageOptions extends StorageOptions {
  /** `postgres://…`, `sqlite:path`, `file:path`, a plain path, or `:memory:`. */
  databaseUrl?: string;
  /** PostgreSQL only: the schema to use. */
  postgresSchema?: string;
  poolSizeMax?: number;
}

/** Opens SQLite (the default, a file under `.billhook/`) or PostgreSQL, from a URL. Node only. */
export function openStorage(options: OpenStorageOptions = {}): Storage {
  const url = options.databaseUrl?.trim() || defaultSqlitePath;
  const instanceId = options.instanceId ?? newInstanceId();
  if (/^postgres(ql)?:\/\//.test(url)) {
    const db = openPostgres({
      connectionString: url,
      applicationName: instanceId,
      ...(options.postgresSchema ? { schema: options.postgresSchema } : {}),
      ...(options.poolSizeMax ? { poolSizeMax: options.poolSizeMax } : {}),
    });
    return new Storage(db, "postgres", { ...options, instanceId });
  }
  const filename = url === ":memory:" ? url : resolve(url.replace(/^(sqlite|file):(\/\/)?/, ""));
  const { db, changeStamp } = openSqlite({ filename });
  return new Storage(db, "sqlite", { ...options, changeStamp, instanceId });
}

/** A readable description of where the data lives, with any password removed. */
export function describeDatabaseUrl(databaseUrl: string | undefined): string {
  const url = databaseUrl?.trim() || defaultSqlitePath;
  if (!/^postgres(ql)?:\/\//.test(url)) return `sqlite:${url}`;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
