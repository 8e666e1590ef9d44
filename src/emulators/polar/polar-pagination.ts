import type { Context } from "hono";
import { PolarValidationError } from "./polar-errors.js";

export const PAGE_LIMIT_DEFAULT = 10;
export const PAGE_LIMIT_MAX = 100;

export interface ListPage<T> {
  items: T[];
  pagination: { total_count: number; max_page: number };
}

/**
 * Polar's page-number pagination: `page` (1-based) and `limit` (1..100). Lists are newest first unless
 * `sorting=created_at` asks for oldest first.
 */
export function paginate<Row, Item>(
  context: Context,
  rows: Row[],
  serialize: (row: Row) => Item,
): ListPage<Item> {
  const page = readPositiveInteger(context, "page", 1, Number.MAX_SAFE_INTEGER);
  const limit = readPositiveInteger(context, "limit", PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX);
  const sorting = context.req.queries("sorting") ?? [];
  const ordered = sorting.includes("created_at") ? rows : [...rows].reverse();
  const start = (page - 1) * limit;
  return {
    items: ordered.slice(start, start + limit).map(serialize),
    pagination: { total_count: rows.length, max_page: Math.ceil(rows.length / limit) },
  };
}

function readPositiveInteger(context: Context, name: string, fallback: number, max: number): number {
  const raw = context.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new PolarValidationError([
      {
        type: value > max ? "less_than_equal" : "greater_than",
        loc: ["query", name],
        msg: value > max ? `Input should be less than or equal to ${max}` : "Input should be greater than 0",
        input: raw,
      },
    ]);
  }
  return value;
}

/** Repeated query keys (`status=active&status=trialing`) as a list, or undefined when absent. */
export function queryList(context: Context, name: string): string[] | undefined {
  const values = context.req.queries(name);
  return values && values.length > 0 ? values : undefined;
}

export function queryBoolean(context: Context, name: string): boolean | undefined {
  const raw = context.req.query(name);
  if (raw === undefined) return undefined;
  return raw === "true" || raw === "1";
}

/** `metadata[key]=value` deepObject filters. */
export function metadataFilter(context: Context): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.req.query())) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match?.[1]) filter[match[1]] = value;
  }
  return filter;
}

export function matchesMetadata(metadata: Record<string, unknown>, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([key, value]) => String(metadata[key]) === value);
}
