/**
 * Hashing and randomness that run unchanged on Node, Workers and Deno. SHA-256 is synchronous: the
 * runtime's own `node:crypto` where there is one (Node, Deno, Workers with nodejs_compat), else
 * @noble/hashes rather than `crypto.subtle`, which for the short inputs hashed on the request path
 * (API keys, request fingerprints, ledger postings) is several times faster than Web Crypto's async hop.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

const encoder = new TextEncoder();

type NodeCreateHash = (algorithm: "sha256") => {
  update(text: string, encoding: "utf8"): { digest(encoding: "hex"): string };
};
/** `crypto.hash` (Node 20.12+, 21.7+): one call, no Hash object, about twice as fast for short input. */
type NodeHash = (algorithm: "sha256", text: string) => string;

/** `node:crypto`'s hashing, found without importing it, so other runtimes load this file too. */
const nativeSha256Hex: ((text: string) => string) | undefined = (() => {
  try {
    const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const module = runtime?.getBuiltinModule?.("node:crypto") as
      | { createHash?: NodeCreateHash; hash?: NodeHash }
      | undefined;
    const { hash, createHash } = module ?? {};
    if (typeof hash === "function") return (text) => hash("sha256", text);
    if (typeof createHash === "function")
      return (text) => createHash("sha256").update(text, "utf8").digest("hex");
    return undefined;
  } catch {
    return undefined;
  }
})();

export function sha256Hex(text: string): string {
  if (nativeSha256Hex) return nativeSha256Hex(text);
  return bytesToHex(sha256(encoder.encode(text)));
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform base62 string; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * Compares two strings in time that depends only on their lengths, so an attacker probing secrets
 * learns nothing from response timing.
 */
export function timingSafeEqual(left: string, right: string): boolean {
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

/** JSON with object keys sorted, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      // A plain object whose keys are in order already serialises exactly like its sorted copy.
      if (isPlainObject(inner) && inOrder(Object.keys(inner))) return inner;
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function inOrder(keys: string[]): boolean {
  for (let index = 1; index < keys.length; index++) if (!(keys[index - 1]! < keys[index]!)) return false;
  return true;
}
