/**
 * The operations of Billhook's own `/openapi.json`, with a plausible request for each, so edge tests
 * (authorization, bad input) cover every route there is — a new route is covered the day it lands.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  example?: unknown;
  default?: unknown;
};

interface OpenApiOperation {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  method: string;
  /** The templated path, e.g. `/v1/customers/{customerId}/credits`. */
  path: string;
  public: boolean;
  /** The API-key scope the operation needs (`admin` or `server`), null when public. */
  scope: string | null;
  customerAccessible: boolean;
  pathParameters: string[];
  queryParameters: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  /** The JSON body's schema, dereferenced at the top, or null when the operation takes none. */
  body: JsonSchema | null;
  bodyRequired: boolean;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const security = operation.security ?? [];
      const apiKeyRoles = security.find((requirement) => "apiKey" in requirement)?.apiKey ?? [];
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        public: security.length === 0,
        scope: security.length === 0 ? null : (apiKeyRoles[0] ?? "admin"),
        customerAccessible: security.some((requirement) => "customerToken" in requirement),
        pathParameters: parameters.filter((parameter) => parameter.in === "path").map(({ name }) => name),
        queryParameters: parameters
          .filter((parameter) => parameter.in === "query")
          .map(({ name, required, schema }) => ({ name, required: required === true, schema: schema ?? {} })),
        body: body ? resolve(document, body) : null,
        bodyRequired: operation.requestBody?.required === true,
      });
    }
  }
  return operations;
}

export function resolve(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(document, target);
}

/**
 * A value that fits `schema` as far as its shape goes (required properties only), built from its
 * examples, enums and bounds. Plausible, not necessarily accepted: ids point nowhere.
 */
export function exampleOf(document: OpenApiDocument, schema: JsonSchema, depth = 0): unknown {
  const resolved = resolve(document, schema);
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.enum && resolved.enum.length > 0) return resolved.enum[0];
  const variants = resolved.anyOf ?? resolved.oneOf ?? resolved.allOf;
  if (variants && variants.length > 0) {
    const first = variants.find((variant) => variant.type !== "null") ?? variants[0]!;
    return exampleOf(document, first, depth + 1);
  }
  const type = Array.isArray(resolved.type) ? resolved.type.find((name) => name !== "null") : resolved.type;
  switch (type) {
    case "object": {
      const value: Record<string, unknown> = {};
      if (depth > 6) return value;
      for (const name of resolved.required ?? []) {
        const property = resolved.properties?.[name];
        if (property) value[name] = exampleOf(document, property, depth + 1);
      }
      return value;
    }
    case "array": {
      const count = Math.max(1, resolved.minItems ?? 0);
      return Array.from({ length: count }, () => exampleOf(document, resolved.items ?? {}, depth + 1));
    }
    case "integer":
    case "number": {
      const low =
        resolved.minimum ?? (resolved.exclusiveMinimum !== undefined ? resolved.exclusiveMinimum + 1 : 1);
      return Math.min(Math.max(low, 1), resolved.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case "boolean":
      return true;
    case "string":
      return stringExample(resolved);
    default:
      return "x";
  }
}

function stringExample(schema: JsonSchema): string {
  switch (schema.format) {
    case "email":
      return "buyer@example.com";
    case "uri":
      return "https://app.example.com/return";
    case "date-time":
      return "2026-01-01T00:00:00.000Z";
  }
  if (schema.pattern === "^[A-Z]{3}$") return "USD";
  return "x".repeat(Math.max(1, schema.minLength ?? 1));
}

/** `path` with each `{name}` replaced by `values[name]` (URI-encoded), or by `fallback`. */
export function concretePath(path: string, values: Record<string, string>, fallback = "unknown_id"): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback));
}
