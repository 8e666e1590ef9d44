import type { ApiKey } from "../api-keys/index.js";
import type { SessionRecord } from "./session-types.js";

export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  /** The session and its key (revoked or not: the service decides), or null. */
  find(tokenHash: string): Promise<{ session: SessionRecord; apiKey: ApiKey } | null>;
  touch(tokenHash: string, lastSeenAtMs: number): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Removes sessions that ended (absolute expiry or idle) before `nowMs`; returns how many. */
  deleteEnded(nowMs: number, idleMs: number): Promise<number>;
}
