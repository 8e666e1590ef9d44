import {
  BillhookError,
  type Clock,
  randomBase62,
  type StoreAccess,
  sha256Hex,
  timingSafeEqual,
} from "../../kernel/index.js";
import type { ApiKey, ApiKeys } from "../api-keys/index.js";
import type { SessionStore } from "./session-store.js";
import { type ResolvedSession, type SessionRecord, sessionLimits } from "./session-types.js";

export interface SessionStores {
  sessions: SessionStore;
}

/**
 * Dashboard sign-in: an admin key is exchanged for a random session token that lives in an HttpOnly
 * cookie, so the key itself never sits in the browser's storage. Each session acts as the key it was
 * opened with; revoking that key ends every session of it on the next request.
 */
export class DashboardSessions {
  readonly #access: StoreAccess<SessionStores>;
  readonly #clock: Clock;
  readonly #apiKeys: ApiKeys;

  constructor(access: StoreAccess<SessionStores>, clock: Clock, apiKeys: ApiKeys) {
    this.#access = access;
    this.#clock = clock;
    this.#apiKeys = apiKeys;
  }

  /**
   * Opens a session for an admin key. Throws UNAUTHORIZED for any key that does not authenticate and
   * FORBIDDEN for a server key.
   *
   * @example
   * const { token, csrfToken } = await billhook.sessions.signIn("bh_sk_…");
   */
  async signIn(
    secret: string,
  ): Promise<{ token: string; csrfToken: string; apiKey: ApiKey; expiresAtMs: number }> {
    const apiKey = await this.#apiKeys.authenticate(secret);
    if (!apiKey) throw new BillhookError("UNAUTHORIZED", "That API key is not valid.");
    if (apiKey.scope !== "admin") {
      throw new BillhookError("FORBIDDEN", "The dashboard needs a key with the admin scope.", {
        requiredScope: "admin",
      });
    }
    const nowMs = this.#clock.now().getTime();
    const token = randomBase62(sessionLimits.tokenLength);
    const session: SessionRecord = {
      tokenHash: sha256Hex(token),
      apiKeyId: apiKey.id,
      csrfToken: randomBase62(sessionLimits.csrfTokenLength),
      createdAtMs: nowMs,
      lastSeenAtMs: nowMs,
      expiresAtMs: nowMs + sessionLimits.lifetimeMs,
    };
    await this.#access.transaction(async (stores) => {
      await stores.sessions.deleteEnded(nowMs, sessionLimits.idleMs);
      await stores.sessions.insert(session);
    });
    return { token, csrfToken: session.csrfToken, apiKey, expiresAtMs: session.expiresAtMs };
  }

  /** The live session of a cookie token, or null when unknown, idle too long, expired or its key revoked. */
  async resolve(token: string): Promise<ResolvedSession | null> {
    if (token.length !== sessionLimits.tokenLength) return null;
    const tokenHash = sha256Hex(token);
    const found = await this.#access.read((stores) => stores.sessions.find(tokenHash));
    if (!found) return null;
    const nowMs = this.#clock.now().getTime();
    const { session, apiKey } = found;
    const ended =
      nowMs >= session.expiresAtMs ||
      nowMs - session.lastSeenAtMs >= sessionLimits.idleMs ||
      apiKey.revokedAt !== null;
    if (ended) {
      await this.#access.transaction((stores) => stores.sessions.delete(tokenHash));
      return null;
    }
    if (nowMs - session.lastSeenAtMs >= sessionLimits.touchIntervalMs) {
      await this.#access.transaction((stores) => stores.sessions.touch(tokenHash, nowMs));
    }
    return { session, apiKey };
  }

  /** Whether a presented CSRF token is the session's (compared in constant time). */
  csrfMatches(session: SessionRecord, presented: string | undefined): boolean {
    return presented !== undefined && timingSafeEqual(presented, session.csrfToken);
  }

  /** Ends a session; signing out twice is harmless. */
  async signOut(token: string): Promise<void> {
    const tokenHash = sha256Hex(token);
    await this.#access.transaction((stores) => stores.sessions.delete(tokenHash));
  }
}
