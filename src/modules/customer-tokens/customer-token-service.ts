import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  BillhookError,
  type Clock,
  randomBase62,
  type StoreAccess,
  timingSafeEqual,
  ValidationError,
} from "../../kernel/index.js";
import type { SecretStore } from "./customer-token-store.js";

export interface CustomerTokenStores {
  secrets: SecretStore;
}

/** Who a valid customer token speaks for, and until when. */
export interface CustomerTokenClaims {
  customerId: string;
  expiresAt: Date;
}

export const customerTokenLimits = {
  /** A token lives at most an hour: there is no per-token revocation, so lifetimes stay short. */
  ttlSecondsMax: 60 * 60,
  ttlSecondsMin: 30,
  ttlSecondsDefault: 15 * 60,
  customerIdLengthMax: 200,
  /** Shorter secrets (from BILLHOOK_TOKEN_SECRET) are refused at start. */
  secretLengthMin: 32,
} as const;

const tokenPrefix = "bh_ct_";
const secretName = "customer_token_hmac";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Short-lived, customer-scoped bearer tokens a browser may hold. Stateless: `bh_ct_<claims>.<mac>`,
 * HMAC-SHA256 over the claims with a server secret, so verifying one costs a hash and no query. The
 * secret is `BILLHOOK_TOKEN_SECRET` when set, otherwise one random secret stored in the database the
 * first time it is needed, which every instance on that database then shares. Revocation: tokens expire
 * within `ttlSecondsMax`; rotating the secret (changing the variable, or deleting the stored one)
 * invalidates every token at once.
 */
export class CustomerTokens {
  readonly #access: StoreAccess<CustomerTokenStores>;
  readonly #clock: Clock;
  readonly #configuredSecret: string | null;
  #key: Promise<Uint8Array> | null = null;

  constructor(
    access: StoreAccess<CustomerTokenStores>,
    clock: Clock,
    options: { secret?: string | null } = {},
  ) {
    this.#access = access;
    this.#clock = clock;
    this.#configuredSecret = options.secret ?? null;
  }

  /**
   * Mints a token for one customer; hand it to that customer's browser.
   *
   * @example
   * const { token, expiresAt } = await billhook.customerTokens.mint({ customerId: "user_1", ttlSeconds: 600 });
   */
  async mint(input: {
    customerId: string;
    ttlSeconds?: number;
  }): Promise<{ token: string; expiresAt: Date }> {
    const ttlSeconds = input.ttlSeconds ?? customerTokenLimits.ttlSecondsDefault;
    const issues = [
      ...(input.customerId.length < 1 || input.customerId.length > customerTokenLimits.customerIdLengthMax
        ? [
            {
              path: "customerId",
              message: `must be 1 to ${customerTokenLimits.customerIdLengthMax} characters`,
            },
          ]
        : []),
      ...(!Number.isInteger(ttlSeconds) ||
      ttlSeconds < customerTokenLimits.ttlSecondsMin ||
      ttlSeconds > customerTokenLimits.ttlSecondsMax
        ? [
            {
              path: "ttlSeconds",
              message: `must be an integer from ${customerTokenLimits.ttlSecondsMin} to ${customerTokenLimits.ttlSecondsMax}`,
            },
          ]
        : []),
    ];
    if (issues.length > 0) throw new ValidationError("The token request is invalid.", issues);
    // Whole seconds: the claims stay short and the answer's expiresAt is exactly what the token holds.
    const expiresAtSeconds = Math.floor(this.#clock.now().getTime() / 1000) + ttlSeconds;
    const claims = toBase64Url(encoder.encode(JSON.stringify({ c: input.customerId, x: expiresAtSeconds })));
    const signed = `${tokenPrefix}${claims}`;
    const mac = toBase64Url(hmac(sha256, await this.#secretKey(), encoder.encode(signed)));
    return { token: `${signed}.${mac}`, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  /** Whether `credential` looks like a customer token (as opposed to a secret key). */
  static recognises(credential: string): boolean {
    return credential.startsWith(tokenPrefix);
  }

  /** The claims of a valid, unexpired token; throws 401 UNAUTHORIZED otherwise, without saying why. */
  async verify(token: string): Promise<CustomerTokenClaims> {
    const claims = await this.#verifiedClaims(token);
    if (!claims || claims.expiresAt.getTime() <= this.#clock.now().getTime()) {
      throw new BillhookError("UNAUTHORIZED", "The customer token is invalid or has expired.");
    }
    return claims;
  }

  async #verifiedClaims(token: string): Promise<CustomerTokenClaims | null> {
    if (!token.startsWith(tokenPrefix) || token.length > 1024) return null;
    const dot = token.lastIndexOf(".");
    if (dot < 0) return null;
    const signed = token.slice(0, dot);
    const expected = toBase64Url(hmac(sha256, await this.#secretKey(), encoder.encode(signed)));
    if (!timingSafeEqual(expected, token.slice(dot + 1))) return null;
    try {
      const parsed = JSON.parse(decoder.decode(fromBase64Url(signed.slice(tokenPrefix.length)))) as {
        c?: unknown;
        x?: unknown;
      };
      if (typeof parsed.c !== "string" || typeof parsed.x !== "number") return null;
      return { customerId: parsed.c, expiresAt: new Date(parsed.x * 1000) };
    } catch {
      return null;
    }
  }

  /** Read once per process: the hot path then costs one HMAC and no query. */
  #secretKey(): Promise<Uint8Array> {
    this.#key ??= this.#loadSecret().then((secret) => encoder.encode(secret));
    // A failed read (database down) is retried on the next request rather than cached forever.
    this.#key.catch(() => {
      this.#key = null;
    });
    return this.#key;
  }

  async #loadSecret(): Promise<string> {
    if (this.#configuredSecret !== null) return this.#configuredSecret;
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction((stores) =>
      stores.secrets.getOrCreate(secretName, randomBase62(43), nowMs),
    );
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}
