import type { ApiKey } from "../api-keys/index.js";

export interface SessionRecord {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  tokenHash: string;
  apiKeyId: string;
  /** Sent back by the browser in a header on every state-changing request. */
  csrfToken: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  /** The absolute end, however active the session is. */
  expiresAtMs: number;
}

/** A live session and the (unrevoked) key it acts as. */
export interface ResolvedSession {
  session: SessionRecord;
  apiKey: ApiKey;
}

export const sessionLimits = {
  /** Signed out after this long without a request. */
  idleMs: 2 * 60 * 60 * 1000,
  /** Signed out this long after signing in, active or not. */
  lifetimeMs: 12 * 60 * 60 * 1000,
  /** `last_seen` is written at most this often, so browsing is not one write per request. */
  touchIntervalMs: 60 * 1000,
  tokenLength: 43,
  csrfTokenLength: 32,
} as const;
