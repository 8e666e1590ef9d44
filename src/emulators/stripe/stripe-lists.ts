import { z } from "zod";
import { formInt } from "./request-input.js";
import { invalidRequest } from "./stripe-errors.js";
import type { ListObject } from "./stripe-records.js";
import type { StripeStore } from "./stripe-store.js";

const LIMIT_DEFAULT = 10;
const LIMIT_MAX = 100;
/** `expand[]` paths may be at most this deep (facts §4). */
const EXPAND_DEPTH_MAX = 4;

export const listParams = {
  limit: formInt.min(1).max(LIMIT_MAX).optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  expand: z.array(z.string()).optional(),
};
export const searchParams = {
  query: z.string(),
  limit: formInt.min(1).max(LIMIT_MAX).optional(),
  page: z.string().optional(),
  expand: z.array(z.string()).optional(),
};

/**
 * Stripe's cursor pagination over rows in creation order: newest first, `starting_after` walks to
 * older rows, `ending_before` to newer ones.
 */
export function paginate<T extends { id: string }>(
  rows: readonly T[],
  url: string,
  params: { limit?: number; starting_after?: string; ending_before?: string },
): ListObject<T> {
  if (params.starting_after && params.ending_before)
    throw invalidRequest("You may only specify one of these parameters: ending_before, starting_after.");
  const limit = params.limit ?? LIMIT_DEFAULT;
  const newestFirst = [...rows].reverse();
  if (params.ending_before) {
    const index = newestFirst.findIndex((row) => row.id === params.ending_before);
    const before = index < 0 ? [] : newestFirst.slice(0, index);
    const data = before.slice(Math.max(0, before.length - limit));
    return { object: "list", data, has_more: before.length > limit, url };
  }
  let start = 0;
  if (params.starting_after) {
    const index = newestFirst.findIndex((row) => row.id === params.starting_after);
    start = index < 0 ? newestFirst.length : index + 1;
  }
  const data = newestFirst.slice(start, start + limit);
  return { object: "list", data, has_more: start + limit < newestFirst.length, url };
}

export interface SearchResult<T> {
  object: "search_result";
  url: string;
  has_more: boolean;
  data: T[];
  next_page: string | null;
  total_count: number;
}

/** Search pages by an opaque `page` token (here: the offset, base64url), newest first. */
export function searchPage<T>(
  matches: readonly T[],
  url: string,
  params: { limit?: number; page?: string },
): SearchResult<T> {
  const limit = params.limit ?? LIMIT_DEFAULT;
  const offset = params.page ? Number(atob(params.page)) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidRequest("Invalid page token.", "page");
  const newestFirst = [...matches].reverse();
  const data = newestFirst.slice(offset, offset + limit);
  const hasMore = offset + limit < newestFirst.length;
  return {
    object: "search_result",
    url,
    has_more: hasMore,
    data,
    next_page: hasMore ? btoa(String(offset + limit)) : null,
    total_count: newestFirst.length,
  };
}

function expandPath(store: StripeStore, target: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const value = target[head];
  if (head === "data" && Array.isArray(value)) {
    for (const item of value)
      if (item && typeof item === "object") expandPath(store, item as Record<string, unknown>, rest);
    return;
  }
  if (typeof value === "string") {
    const found = store.findById(value);
    if (!found) return;
    target[head] = structuredClone(found);
  }
  const next = target[head];
  if (rest.length > 0 && next && typeof next === "object")
    expandPath(store, next as Record<string, unknown>, rest);
}

/**
 * Returns a copy of `object` with the `expand[]` paths replaced by the objects they name. Stored
 * records keep ids, so expanding never changes state.
 */
export function expandObject<T extends object>(
  store: StripeStore,
  object: T,
  expand: readonly string[] | undefined,
): T {
  const copy = structuredClone(object) as Record<string, unknown>;
  for (const path of expand ?? []) {
    const parts = path.split(".");
    if (parts.length > EXPAND_DEPTH_MAX)
      throw invalidRequest(`You cannot expand more than ${EXPAND_DEPTH_MAX} levels of a property.`, "expand");
    expandPath(store, copy, parts);
  }
  return copy as T;
}

/** `expand[]=data.x` on a list means `x` on each item. */
export function stripDataPrefix(expand: readonly string[] | undefined): string[] {
  return (expand ?? []).map((path) => path.replace(/^data\./, ""));
}
