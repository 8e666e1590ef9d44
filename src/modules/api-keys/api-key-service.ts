import {
  type Clock,
  NotFoundError,
  newId,
  randomBase62,
  type StoreAccess,
  sha256Hex,
  timingSafeEqual,
} from "../../kernel/index.js";
import type { ApiKeyStore } from "./api-key-store.js";
import type { ApiKey, ApiKeyRecord, ApiKeyScope } from "./api-key-types.js";

export interface ApiKeyStores {
  apiKeys: ApiKeyStore;
}

const secretPrefix = "bh_sk_";
const secretRandomLength = 32;
/** `bh_sk_` plus this many random characters is the public, displayable and indexed part. */
const displayRandomLength = 8;
const secretPattern = /^bh_sk_[0-9A-Za-z]{32}$/;
/** Compared against when the prefix is unknown, so a miss costs as much time as a hit. */
const decoyHash = "0".repeat(64);
const cachedKeysMax = 10_000;

/**
 * Secret API keys. Only a SHA-256 hash and a short prefix are stored: a database leak reveals no
 * usable key. Keys carry 190 bits of randomness, so an unsalted fast hash is enough.
 */
export class ApiKeys {
  readonly #access: StoreAccess<ApiKeyStores>;
  readonly #clock: Clock;
  readonly #cacheTtlMs: number;
  /**
   * Key records by prefix, with when they were read. Authenticating every request against the
   * database would cost a query on every hot-path call; instead a record is trusted for `cacheTtlMs`.
   * A revocation on this instance takes effect at once; on other instances within that time.
   */
  readonly #cache = new Map<string, { record: ApiKeyRecord | null; readAtMs: number }>();
  /**
   * Keys already verified, by the SHA-256 of their secret, under the same time limit: a request with a
   * known key costs one hash and one lookup. Looking up by hash leaks nothing a timing attack could
   * use; unknown, malformed and revoked secrets never enter and take the constant-time path.
   */
  readonly #verified = new Map<string, { apiKey: ApiKey; readAtMs: number }>();

  constructor(access: StoreAccess<ApiKeyStores>, clock: Clock, options: { cacheTtlMs?: number } = {}) {
    this.#access = access;
    this.#clock = clock;
    this.#cacheTtlMs = options.cacheTtlMs ?? 5_000;
  }

  /**
   * Mints a key. The secret is returned once and never again.
   *
   * @example
   * const { secret } = await apiKeys.create({ scope: "server", name: "web app" });
   */
  async create(input: { scope: ApiKeyScope; name: string }): Promise<{ apiKey: ApiKey; secret: string }> {
    const secret = `${secretPrefix}${randomBase62(secretRandomLength)}`;
    const record: ApiKeyRecord = {
      id: newId("key"),
      prefix: secret.slice(0, secretPrefix.length + displayRandomLength),
      scope: input.scope,
      name: input.name,
      createdAt: this.#clock.now(),
      revokedAt: null,
      secretHash: sha256Hex(secret),
    };
    await this.#access.transaction((stores) => stores.apiKeys.insert(record));
    return { apiKey: withoutHash(record), secret };
  }

  /** The key a secret belongs to, or null for any reason at all (the caller must not say which). */
  async authenticate(secret: string): Promise<ApiKey | null> {
    const presentedHash = sha256Hex(secret);
    const nowMs = this.#clock.now().getTime();
    const verified = this.#verified.get(presentedHash);
    if (verified !== undefined && nowMs - verified.readAtMs < this.#cacheTtlMs) return verified.apiKey;
    const wellFormed = secretPattern.test(secret);
    const prefix = secret.slice(0, secretPrefix.length + displayRandomLength);
    const record = wellFormed ? await this.#findByPrefix(prefix) : null;
    const matches = timingSafeEqual(presentedHash, record?.secretHash ?? decoyHash);
    if (!record || !matches || record.revokedAt !== null) return null;
    const apiKey = Object.freeze(withoutHash(record));
    if (this.#verified.size >= cachedKeysMax) this.#verified.clear();
    this.#verified.set(presentedHash, { apiKey, readAtMs: nowMs });
    return apiKey;
  }

  async #findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const nowMs = this.#clock.now().getTime();
    const cached = this.#cache.get(prefix);
    if (cached && nowMs - cached.readAtMs < this.#cacheTtlMs) return cached.record;
    const record = await this.#access.read((stores) => stores.apiKeys.findByPrefix(prefix));
    // Unknown prefixes are not cached: a flood of random keys must not grow memory.
    if (record) {
      if (this.#cache.size >= cachedKeysMax) this.#cache.clear();
      this.#cache.set(prefix, { record, readAtMs: nowMs });
    }
    return record;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.#access.read((stores) => stores.apiKeys.list())).map(withoutHash);
  }

  async revoke(idOrPrefix: string): Promise<ApiKey> {
    const nowMs = this.#clock.now().getTime();
    const record = await this.#access.transaction((stores) => stores.apiKeys.revoke(idOrPrefix, nowMs));
    if (!record) throw new NotFoundError("API key", idOrPrefix);
    this.#cache.delete(record.prefix);
    this.#verified.delete(record.secretHash);
    return withoutHash(record);
  }
}

function withoutHash(record: ApiKeyRecord): ApiKey {
  const { secretHash: _secretHash, ...apiKey } = record;
  return apiKey;
}
