import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const DOCUMENT_ID = "https://polar.test/openapi.json";
const OPENAPI_URL = new URL("../../../../../shared/reference/polar-openapi-2026-04.json", import.meta.url);

interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiRequestBody {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, unknown>;
}

export interface RecordedExchange {
  method: string;
  url: string;
  status: number;
  contentType: string | null;
  body: string;
}

export interface ConformanceProblem {
  exchange: string;
  operationId: string | null;
  problem: string;
}

/**
 * Validates recorded emulator responses against the response schema of the matching operation in
 * Polar's own OpenAPI document (read at test time).
 */
export class OpenApiResponseValidator {
  private readonly document: OpenApiDocument;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: Array<{ method: string; pattern: RegExp; template: string }>;

  constructor() {
    this.document = JSON.parse(readFileSync(OPENAPI_URL, "utf8")) as OpenApiDocument;
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addFormat("uuid4", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i);
    this.ajv.addFormat("ipvanyaddress", true);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: this.document.components });
    this.routes = Object.entries(this.document.paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      })),
    );
  }

  /** The operation for a method and path; literal paths win over templated ones (`/names` over `/{id}`). */
  operationFor(method: string, path: string): { template: string; operation: OpenApiOperation } | undefined {
    const candidates = this.routes.filter((route) => route.method === method && route.pattern.test(path));
    candidates.sort((left, right) => countParams(left.template) - countParams(right.template));
    const best = candidates[0];
    if (!best) return undefined;
    const operation = this.document.paths[best.template]?.[method.toLowerCase()];
    return operation ? { template: best.template, operation } : undefined;
  }

  validate(exchange: RecordedExchange): ConformanceProblem | undefined {
    const path = new URL(exchange.url).pathname;
    const label = `${exchange.method} ${path} → ${exchange.status}`;
    const match = this.operationFor(exchange.method, path);
    if (!match)
      return { exchange: label, operationId: null, problem: "no operation in the OpenAPI document" };
    const operationId = match.operation.operationId ?? match.template;
    const response = match.operation.responses?.[String(exchange.status)];
    if (!response)
      return { exchange: label, operationId, problem: `status ${exchange.status} is not documented` };
    const schema = response.content?.["application/json"]?.schema;
    if (!schema)
      return exchange.body === ""
        ? undefined
        : { exchange: label, operationId, problem: "expected an empty body" };
    if (!exchange.contentType?.includes("application/json"))
      return { exchange: label, operationId, problem: "not JSON" };
    const validator = this.compile(`${operationId}:${exchange.status}`, schema);
    if (validator(JSON.parse(exchange.body))) return undefined;
    const first = validator.errors
      ?.slice(0, 3)
      .map((error) => `${error.instancePath} ${error.message}`)
      .join("; ");
    return { exchange: label, operationId, problem: first ?? "invalid" };
  }

  /** Validates a webhook body against the payload schema of its type in the document's `webhooks` section. */
  validateWebhook(type: string, body: string): string | undefined {
    const webhooks = (
      this.document as unknown as { webhooks?: Record<string, { post?: OpenApiRequestBody }> }
    ).webhooks;
    const schema = webhooks?.[type]?.post?.requestBody?.content?.["application/json"]?.schema;
    if (!schema) return `no webhook schema for ${type}`;
    const validator = this.compile(`webhook:${type}`, schema);
    if (validator(JSON.parse(body))) return undefined;
    return (
      validator.errors
        ?.slice(0, 3)
        .map((error) => `${error.instancePath} ${error.message}`)
        .join("; ") ?? "invalid"
    );
  }

  private compile(key: string, schema: unknown): ValidateFunction {
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const rewritten = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`),
    );
    const validator = this.ajv.compile(rewritten);
    this.compiled.set(key, validator);
    return validator;
  }
}

function countParams(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}

let shared: OpenApiResponseValidator | undefined;

/** One validator per test process: reading and compiling the 2.7 MB document is the slow part. */
export function sharedOpenApiValidator(): OpenApiResponseValidator {
  shared ??= new OpenApiResponseValidator();
  return shared;
}
