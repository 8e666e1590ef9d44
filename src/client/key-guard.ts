/** Secret keys start so; anything that reaches a browser can be read by its user. */
const secretKeyPrefix = "bh_sk_";

/**
 * Refuses to build a client holding a secret key where a browser would expose it.
 *
 * @example
 * assertNoSecretKeyInBrowser("bh_sk_…", false); // throws in a browser, passes on a server
 */
export function assertNoSecretKeyInBrowser(apiKey: string, allowed: boolean): void {
  if (allowed || !apiKey.startsWith(secretKeyPrefix)) return;
  const scope = globalThis as { window?: unknown; document?: unknown };
  if (scope.window !== undefined && scope.document !== undefined) {
    throw new Error(
      "A Billhook secret key (bh_sk_…) must not be used in a browser: use a customer token, or pass dangerouslyAllowSecretKeyInBrowser.",
    );
  }
}
