import type { ApiKeyRecord } from "./api-key-types.js";

export interface ApiKeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  findByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key (by id or prefix) revoked; returns it, or null when no such key exists. */
  revoke(idOrPrefix: string, revokedAtMs: number): Promise<ApiKeyRecord | null>;
}
