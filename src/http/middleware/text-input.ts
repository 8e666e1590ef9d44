import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type FieldIssue, ValidationError } from "../../kernel/index.js";
import type { HttpEnv } from "../http-env.js";

/**
 * The one rule for every string that enters over HTTP — identifiers and free text alike, in the
 * path, the query and a JSON body: no U+0000 and no lone UTF-16 surrogate. PostgreSQL cannot store
 * the first in `text`, neither is valid Unicode text, and letting them through turned bad input into
 * 500s deep in storage (or an id that SQLite and PostgreSQL would see differently). Refused with
 * 422 VALIDATION_FAILED before any route runs, so nothing is written.
 *
 * Kept cheap for the common case: a JSON body can only carry either character as a `\u` escape (raw
 * control characters are invalid JSON, and decoded UTF-8 is always well formed), so a body without
 * one is not parsed here at all.
 */
export const refuseUnsafeText = createMiddleware<HttpEnv>(async (c, next) => {
  const issues = [...pathAndQueryIssues(c), ...(await bodyIssues(c))];
  if (issues.length > 0) {
    // The same detail as the routes' own validation; the issues say which rule was broken, where.
    throw new ValidationError("The request is invalid.", issues.slice(0, issuesMax));
  }
  await next();
});

const issuesMax = 20;
/**
 * No API body nests deeper than a few levels; a body nested thousands deep would exhaust the stack
 * of whatever walks it (this rule, the token check, zod, JSON.stringify) and answer 500.
 */
export const jsonDepthMax = 32;
const message = "must not contain U+0000 or an unpaired surrogate";

/** A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is this pattern's purpose.
const unsafeTextPattern = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `value` is text Billhook accepts: well-formed UTF-16 without NUL. */
export function isSafeText(value: string): boolean {
  return !unsafeTextPattern.test(value);
}

function pathAndQueryIssues(c: Context<HttpEnv>): FieldIssue[] {
  const url = c.req.url;
  const queryStart = url.indexOf("?");
  const issues: FieldIssue[] = [];
  // The path as routes see it, segment by segment: `%00` decodes to NUL in a path parameter.
  if (!isSafeText(decodeSafely(c.req.path))) issues.push({ path: "path", message });
  if (queryStart !== -1) {
    for (const [name, value] of new URLSearchParams(url.slice(queryStart + 1))) {
      if (!isSafeText(name) || !isSafeText(value)) issues.push({ path: `query.${name}`, message });
    }
  }
  return issues;
}

async function bodyIssues(c: Context<HttpEnv>): Promise<FieldIssue[]> {
  if (c.req.method === "GET" || c.req.method === "HEAD") return [];
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) return [];
  const text = await c.req.text();
  if (nestingExceeds(text, jsonDepthMax)) {
    return [
      { path: "json", message: `must not nest arrays and objects more than ${jsonDepthMax} levels deep` },
    ];
  }
  if (!text.includes("\\u")) return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return []; // the route answers 400 MALFORMED_REQUEST for it
  }
  const issues: FieldIssue[] = [];
  collectIssues(body, "json", issues);
  return issues;
}

function collectIssues(value: unknown, path: string, issues: FieldIssue[]): void {
  if (issues.length >= issuesMax) return;
  if (typeof value === "string") {
    if (!isSafeText(value)) issues.push({ path, message });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collectIssues(item, `${path}.${index}`, issues);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isSafeText(key)) issues.push({ path: `${path}.${JSON.stringify(key)}`, message });
    collectIssues(item, `${path}.${key}`, issues);
  }
}

/** Whether `text`'s brackets (outside strings) nest deeper than `depthMax`: one pass, no parse. */
function nestingExceeds(text: string, depthMax: number): boolean {
  if (text.length <= depthMax) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > depthMax) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

function decodeSafely(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    // A malformed escape (e.g. an encoded lone surrogate): Hono leaves such a segment as it is.
    return path;
  }
}
