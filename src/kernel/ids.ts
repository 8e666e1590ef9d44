import { randomBase62 } from "./crypto.js";

/** Prefixed random ids (`acct_…`, `key_…`): readable in logs, unguessable, sortable by nothing. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(20)}`;
}
