import { invalidRequest } from "./stripe-errors.js";

/** One clause of Stripe's search language: `email:'a@b.c'`, `metadata['plan']:'pro'`, `-active:'false'`. */
interface Clause {
  field: string;
  metadataKey: string | null;
  operator: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string;
  negated: boolean;
}

const CLAUSE_PATTERN =
  /^(-)?(?:metadata\[(?:'([^']*)'|"([^"]*)")\]|([a-z_.]+))\s*(>=|<=|:|~|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+))$/;
/** Stripe allows at most 10 clauses and does not mix AND with OR. */
const CLAUSES_MAX = 10;

function parseClause(text: string): Clause {
  const match = CLAUSE_PATTERN.exec(text.trim());
  if (!match) throw invalidRequest(`Invalid search query: could not parse '${text.trim()}'.`, "query");
  const metadataKey = match[2] ?? match[3] ?? null;
  const raw = match[6] ?? match[7] ?? match[8] ?? "";
  return {
    field: metadataKey === null ? (match[4] ?? "") : "metadata",
    metadataKey,
    operator: match[5] as Clause["operator"],
    value: raw.replace(/\\(.)/g, "$1"),
    negated: match[1] === "-",
  };
}

function splitOutsideQuotes(query: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let index = 0; index < query.length; index += 1) {
    const character = query[index]!;
    if (quote) {
      if (character === "\\") {
        current += character + (query[index + 1] ?? "");
        index += 1;
        continue;
      }
      if (character === quote) quote = null;
      current += character;
      continue;
    }
    if (character === "'" || character === '"') quote = character;
    const rest = query.slice(index);
    const match = separator.exec(rest);
    if (match && match.index === 0 && !quote) {
      parts.push(current);
      current = "";
      index += match[0].length - 1;
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts;
}

function fieldValue(row: Record<string, unknown>, clause: Clause): unknown {
  if (clause.metadataKey !== null)
    return (row.metadata as Record<string, string> | undefined)?.[clause.metadataKey];
  let value: unknown = row;
  for (const part of clause.field.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function matches(row: Record<string, unknown>, clause: Clause): boolean {
  const actual = fieldValue(row, clause);
  let result: boolean;
  if (clause.operator === ":") {
    // `field:null` tests for absence; strings compare case-insensitively as Stripe's exact match does for emails.
    if (clause.value === "null") result = actual === null || actual === undefined || actual === "";
    else
      result =
        actual !== undefined &&
        actual !== null &&
        String(actual).toLowerCase() === clause.value.toLowerCase();
  } else if (clause.operator === "~") {
    result = typeof actual === "string" && actual.toLowerCase().includes(clause.value.toLowerCase());
  } else {
    const left = Number(actual);
    const right = Number(clause.value);
    result =
      clause.operator === ">"
        ? left > right
        : clause.operator === "<"
          ? left < right
          : clause.operator === ">="
            ? left >= right
            : left <= right;
  }
  return clause.negated ? !result : result;
}

/**
 * Compiles a Stripe search query into a predicate.
 *
 * @example
 * compileSearchQuery("metadata['user_id']:'42' AND email:'a@b.c'")(customer)
 */
export function compileSearchQuery(query: string): (row: object) => boolean {
  if (query.trim() === "") throw invalidRequest("Search query must not be empty.", "query");
  const ands = splitOutsideQuotes(query, /^\s+AND\s+/);
  const ors = splitOutsideQuotes(query, /^\s+OR\s+/);
  if (ands.length > 1 && ors.length > 1)
    throw invalidRequest("Search queries cannot mix AND and OR.", "query");
  const useOr = ors.length > 1;
  const clauses = (useOr ? ors : ands).map(parseClause);
  if (clauses.length > CLAUSES_MAX)
    throw invalidRequest(`Search queries allow at most ${CLAUSES_MAX} clauses.`, "query");
  return (row) => {
    const record = row as Record<string, unknown>;
    return useOr
      ? clauses.some((clause) => matches(record, clause))
      : clauses.every((clause) => matches(record, clause));
  };
}
