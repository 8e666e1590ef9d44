/** `admin` may do everything; `server` is what an app's backend uses on its hot path. */
export type ApiKeyScope = "admin" | "server";

export const apiKeyScopes: readonly ApiKeyScope[] = ["admin", "server"];

export interface ApiKey {
  id: string;
  /** The first characters of the secret, safe to show so people can tell keys apart. */
  prefix: string;
  scope: ApiKeyScope;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyRecord extends ApiKey {
  secretHash: string;
}

/** Whether a key of scope `held` may call something that requires `required`. */
export function scopeAllows(held: ApiKeyScope, required: ApiKeyScope): boolean {
  return held === "admin" || held === required;
}
