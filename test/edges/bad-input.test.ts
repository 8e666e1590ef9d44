import { afterAll, beforeAll, expect, it } from "vitest";
import { changedTables, databaseFingerprint } from "../../src/testing/database-fingerprint.js";
import {
  concretePath,
  exampleOf,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  resolve,
} from "../../src/testing/openapi-operations.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { conformanceCatalog } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

/**
 * Bad input on every operation in `/openapi.json`: wrong types, missing fields, 1 MB strings,
 * `1e309`, `-1`, `2^53+1`, NUL, lone surrogates, deep nesting, invalid JSON, wrong content types, `../` and `%00`
 * in path parameters, repeated query parameters. Never a 5xx, never slower than 5 s, every 4xx a
 * problem+json with a `code`, and nothing changed in the database or at the provider afterwards.
 */

/** A key's last use is the only thing a refused request may write. */
const bookkeepingTables = ["api_keys"];
const answerMsMax = 5_000;
const megabyteString = "x".repeat(1024 * 1024);
/** Stands in a body for a raw JSON token that JSON.stringify cannot produce (`1e309`, `"\ud800"`). */
const slot = "__bad_input_slot__";

interface BadRequest {
  label: string;
  path: string;
  query?: string;
  contentType?: string | null;
  body?: string;
}

describeEachDialect("bad input", (fixture) => {
  let harness: PolarHarness;
  let document: OpenApiDocument;
  let operations: Operation[];

  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage(), { catalog: conformanceCatalog.catalog });
    expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);
    await harness.buy("cust_owner", "reports_pack");
    // The token secret is made on first use; make it now so that minting below writes nothing new.
    await harness.api("/v1/customers/cust_owner/tokens", {
      method: "POST",
      key: harness.serverKey,
      json: {},
    });
    document = (await (await harness.api("/openapi.json")).json()) as OpenApiDocument;
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await harness?.close();
    harness?.billhook.changeBus.close();
  });

  const state = async () => {
    await harness.settle();
    return {
      tables: await databaseFingerprint(fixture.storage(), bookkeepingTables),
      providerCheckouts: (await harness.polar.checkouts.list({ limit: 100 })).result.items.length,
      providerCustomers: (await harness.polar.customers.list({ limit: 100 })).result.items.length,
    };
  };

  it("answers every bad request below 500, quickly, with a problem, and changes nothing", async () => {
    const before = await state();
    const failures: string[] = [];
    let sent = 0;
    for (const operation of operations) {
      for (const request of badRequests(document, operation)) {
        const name = `${operation.method} ${operation.path} · ${request.label}`;
        const startedAtMs = performance.now();
        const response = await fetch(`${harness.server.url}${request.path}${request.query ?? ""}`, {
          method: operation.method,
          headers: {
            authorization: `Bearer ${harness.adminKey}`,
            ...(request.contentType ? { "content-type": request.contentType } : {}),
          },
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
        // A stream that was allowed (an event stream for an odd but valid id): its head is the answer.
        const streaming = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
        if (streaming) await response.body?.cancel();
        const text = streaming ? "" : await response.text();
        const elapsedMs = performance.now() - startedAtMs;
        sent++;
        if (response.status >= 500) failures.push(`${name}: ${response.status} ${text.slice(0, 200)}`);
        if (elapsedMs > answerMsMax) failures.push(`${name}: answered in ${Math.round(elapsedMs)} ms`);
        const expected = expectedAnswer(request.label);
        if (
          expected &&
          (response.status !== expected[0] || (parse(text) as { code?: string })?.code !== expected[1])
        )
          failures.push(
            `${name}: expected ${expected.join(" ")}, got ${response.status} ${text.slice(0, 200)}`,
          );
        if (response.status >= 400) {
          const problem = parse(text) as { code?: unknown } | null;
          if (
            response.headers.get("content-type") !== "application/problem+json" ||
            typeof problem?.code !== "string"
          )
            failures.push(`${name}: ${response.status} without a problem: ${text.slice(0, 200)}`);
        } else if (operation.method !== "GET") {
          failures.push(`${name}: a write accepted bad input (${response.status}) ${text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
    const after = await state();
    expect(changedTables(before.tables, after.tables)).toEqual([]);
    expect(after.providerCheckouts).toBe(before.providerCheckouts);
    expect(after.providerCustomers).toBe(before.providerCustomers);
  }, 240_000);
});

/** What the central rules answer, where one of them decides: wrong media type, unsafe text. */
function expectedAnswer(label: string): [number, string] | null {
  if (/^(text\/plain|a form|multipart|no content type)$/.test(label)) return [415, "UNSUPPORTED_MEDIA_TYPE"];
  if (/^(NUL|%00|a lone surrogate|a lone low surrogate) in/.test(label)) return [422, "VALIDATION_FAILED"];
  if (label.startsWith("nested")) return [422, "VALIDATION_FAILED"];
  return null;
}

/** Every bad request this suite makes of `operation`. */
function badRequests(document: OpenApiDocument, operation: Operation): BadRequest[] {
  const requests: BadRequest[] = [];
  const baseBody = operation.body
    ? (exampleOf(document, operation.body) as Record<string, unknown>)
    : undefined;
  const basePath = concretePath(operation.path, { provider: "polar" });
  const baseQuery = () => {
    const query = new URLSearchParams();
    for (const parameter of operation.queryParameters)
      if (parameter.required) query.append(parameter.name, String(exampleOf(document, parameter.schema)));
    return query;
  };
  const search = (query: URLSearchParams) => (query.size > 0 ? `?${query}` : "");
  const json = (body: unknown, raw?: string) => {
    const text = JSON.stringify(body);
    return raw === undefined ? text : text.replace(`"${slot}"`, raw);
  };
  // A write's body stays broken in every path and query case, so no case can be a valid write.
  const brokenBody = baseBody !== undefined ? "{" : undefined;
  const bodyDefaults = () => ({
    query: search(baseQuery()),
    contentType: baseBody !== undefined ? "application/json" : null,
    body: brokenBody,
  });

  for (const name of operation.pathParameters) {
    for (const [label, value] of [
      ["../ in", "../../v1/api-keys"],
      ["%00 in", "%00"],
      ["NUL in", "a\u0000b"],
      ["an encoded lone surrogate in", "%ED%A0%80"],
      ["a 4 KB value in", "p".repeat(4096)],
    ] as const) {
      const path = operation.path.replace(
        `{${name}}`,
        value.includes("%") ? value : encodeURIComponent(value),
      );
      requests.push({
        label: `${label} path parameter ${name}`,
        ...bodyDefaults(),
        path: concretePath(path, { provider: "polar" }),
      });
    }
  }
  for (const parameter of operation.queryParameters) {
    for (const [label, value] of [
      ["repeated", null],
      ["NUL in", "a\u0000b"],
      ["an encoded lone surrogate in", "%ED%A0%80"],
      ["a 4 KB value in", "q".repeat(4096)],
      ["1e309 in", "1e309"],
      ["-1 in", "-1"],
      ["2^53+1 in", "9007199254740993"],
    ] as const) {
      const query = baseQuery();
      let raw: string;
      if (value === null) {
        query.append(parameter.name, "first");
        query.append(parameter.name, "second");
        raw = search(query);
      } else if (value.startsWith("%")) {
        query.delete(parameter.name);
        raw = `${search(query)}${query.size > 0 ? "&" : "?"}${parameter.name}=${value}`;
      } else {
        query.set(parameter.name, value);
        raw = search(query);
      }
      requests.push({
        label: `${label} query parameter ${parameter.name}`,
        ...bodyDefaults(),
        path: basePath,
        query: raw,
      });
    }
  }
  if (baseBody === undefined || operation.body === null) return requests;

  const withBody = (label: string, body: string, contentType: string | null = "application/json") =>
    requests.push({ label, path: basePath, query: search(baseQuery()), contentType, body });
  withBody("invalid JSON", '{"a":');
  withBody("a JSON array", "[]");
  withBody("text/plain", JSON.stringify(baseBody), "text/plain");
  withBody("a form", "a=1", "application/x-www-form-urlencoded");
  withBody("multipart", "--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b");
  withBody("no content type", JSON.stringify(baseBody), null);
  withBody("a 1 MB body", JSON.stringify({ ...baseBody, padding: megabyteString }));
  withBody(
    "nested 100,000 levels deep",
    json({ ...baseBody, deep: slot }, `${"[".repeat(100_000)}"\\u0041"${"]".repeat(100_000)}`),
  );
  for (const field of resolve(document, operation.body).required ?? []) {
    const { [field]: _missing, ...rest } = baseBody;
    withBody(`missing ${field}`, JSON.stringify(rest));
  }
  for (const [field, schema] of propertiesOf(document, operation.body)) {
    for (const [label, raw] of badValuesFor(document, schema)) {
      withBody(`${label} in ${field}`, json(setPath(baseBody, field, slot), raw));
    }
  }
  return requests;
}

/** Top-level properties and one level of nested object properties, as dotted paths. */
function propertiesOf(document: OpenApiDocument, schema: JsonSchema): Array<[string, JsonSchema]> {
  const properties: Array<[string, JsonSchema]> = [];
  for (const [name, property] of Object.entries(resolve(document, schema).properties ?? {})) {
    properties.push([name, property]);
    const inner = resolve(document, property);
    if (inner.type === "object" && inner.properties) {
      for (const [innerName, innerProperty] of Object.entries(inner.properties))
        properties.push([`${name}.${innerName}`, innerProperty]);
    }
  }
  return properties;
}

/** Raw JSON values that no schema of this shape may accept. */
function badValuesFor(document: OpenApiDocument, schema: JsonSchema): Array<[string, string]> {
  const resolved = resolve(document, schema);
  const types = [resolved.type, ...(resolved.anyOf ?? []).map((variant) => resolve(document, variant).type)]
    .flat()
    .filter((type): type is string => typeof type === "string");
  const values: Array<[string, string]> = [["an object", '{"nested":{"deeper":[1,2,3]}}']];
  if (types.includes("string")) {
    values.push(
      ["NUL", '"a\\u0000b"'],
      ["a lone surrogate", '"a\\ud800b"'],
      ["a lone low surrogate", '"\\udc00"'],
    );
    values.push(["a 1 MB string", JSON.stringify(megabyteString)]);
  } else {
    values.push(["a string", '"not the right type"']);
  }
  if (types.includes("integer") || types.includes("number")) {
    values.push(["1e309", "1e309"], ["2^53+1", "9007199254740993"], ["1.5", "1.5"]);
    const minimum = resolved.minimum ?? resolved.exclusiveMinimum;
    if (minimum !== undefined && minimum >= 0) values.push(["-1", "-1"]);
  } else {
    values.push(["a number", "12"]);
  }
  if (!types.includes("boolean")) values.push(["a boolean", "true"]);
  return values;
}

function setPath(body: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = dotted.split(".");
  if (rest.length === 0) return { ...body, [head!]: value };
  const inner =
    typeof body[head!] === "object" && body[head!] !== null ? (body[head!] as Record<string, unknown>) : {};
  return { ...body, [head!]: setPath(inner, rest.join("."), value) };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
