/** A decoded Stripe v1 request: nested objects from `a[b][c]=v`, arrays from `a[0]=x` or `a[]=x`. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** Keys nest at most this deep; Stripe's own limit is lower, this only stops pathological input. */
const NESTING_DEPTH_MAX = 12;

/** `line_items[0][price]` → `["line_items", "0", "price"]`; `expand[]` → `["expand", ""]`. */
export function splitBracketKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  pattern.lastIndex = open;
  for (let match = pattern.exec(key); match; match = pattern.exec(key)) parts.push(match[1] ?? "");
  return parts.slice(0, NESTING_DEPTH_MAX);
}

function assign(target: { [key: string]: unknown }, path: string[], value: string): void {
  let node = target;
  for (let index = 0; index < path.length - 1; index += 1) {
    const part = path[index]!;
    const nextIsAppend = path[index + 1] === "";
    const existing = node[part];
    if (existing === undefined || typeof existing === "string") {
      const created: { [key: string]: unknown } = {};
      node[part] = created;
      node = created;
    } else {
      node = existing as { [key: string]: unknown };
    }
    if (nextIsAppend) {
      // `a[]=x` appends: give it the next free index.
      const appended = String(Object.keys(node).length);
      path[index + 1] = appended;
    }
  }
  node[path[path.length - 1]!] = value;
}

/** Objects whose keys are all indices become arrays (in index order), as the SDK's `a[0]` implies. */
function normalize(value: unknown): FormValue {
  if (typeof value === "string") return value;
  const record = value as { [key: string]: unknown };
  const keys = Object.keys(record);
  const entries = keys.map((key) => [key, normalize(record[key])] as const);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return entries.sort((left, right) => Number(left[0]) - Number(right[0])).map(([, item]) => item);
  }
  return Object.fromEntries(entries);
}

/**
 * Decodes a form-urlencoded body or query string the way Stripe reads it. Encoded and plain brackets
 * are both accepted because URLSearchParams decodes `%5B` before we split.
 *
 * @example
 * parseFormBody("metadata[plan]=pro&expand[0]=customer") // { metadata: { plan: "pro" }, expand: ["customer"] }
 */
export function parseFormBody(text: string): FormObject {
  const root: { [key: string]: unknown } = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === "") continue;
    assign(root, splitBracketKey(key), value);
  }
  return normalize(root) as FormObject;
}

/** The inverse for tests and redirects: nested values to `a[b]=v` pairs. */
export function encodeFormBody(value: { [key: string]: unknown }, prefix = ""): string {
  const pairs: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (item === undefined || item === null) continue;
    if (typeof item === "object") {
      const nested = encodeFormBody(item as { [key: string]: unknown }, name);
      if (nested) pairs.push(nested);
    } else {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
    }
  }
  return pairs.join("&");
}
