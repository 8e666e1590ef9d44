import type { Context } from "hono";
import type { z } from "zod";

/** A Polar error rendered as `{ error: <ClassName>, detail }` with the class's status. */
export class PolarApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** Polar's 422: `{ error: "RequestValidationError", detail: [{ type, loc, msg, input }] }`. */
export class PolarValidationError extends Error {
  constructor(
    readonly issues: ValidationIssue[],
    readonly errorName: "RequestValidationError" | "PolarRequestValidationError" = "RequestValidationError",
  ) {
    super(issues.map((issue) => issue.msg).join("; "));
  }
}

export const notFound = (): PolarApiError => new PolarApiError(404, "ResourceNotFound", "Not found");

/** A business-rule failure on one body field, shaped like the server's PolarRequestValidationError. */
export function fieldError(loc: Array<string | number>, msg: string, input?: unknown): PolarValidationError {
  return new PolarValidationError(
    [{ type: "value_error", loc: ["body", ...loc], msg, input }],
    "PolarRequestValidationError",
  );
}

/** Maps zod issues to Polar's pydantic-style issue list. */
export function issuesFromZod(
  error: z.ZodError,
  location: "body" | "query",
  input: unknown,
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((part) => (typeof part === "number" ? part : String(part)));
    const value = valueAt(input, path);
    const missing = issue.code === "invalid_type" && value === undefined;
    return {
      type: missing ? "missing" : issue.code,
      loc: [location, ...path],
      msg: missing ? "Field required" : issue.message,
      input: missing ? input : value,
    };
  });
}

function valueAt(input: unknown, path: Array<string | number>): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** Parses a JSON body with a zod schema or throws Polar's 422. */
export async function parseBody<Schema extends z.ZodType>(
  context: Context,
  schema: Schema,
): Promise<z.output<Schema>> {
  let input: unknown;
  try {
    input = await context.req.json();
  } catch {
    throw new PolarValidationError([
      { type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {} },
    ]);
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new PolarValidationError(issuesFromZod(result.error, "body", input));
  return result.data;
}

/** Renders any error the routes throw; unknown errors become a 500 in Polar's shape. */
export function renderError(error: unknown, context: Context): Response {
  if (error instanceof PolarApiError) {
    return context.json({ error: error.errorName, detail: error.detail }, error.status as 404);
  }
  if (error instanceof PolarValidationError) {
    return context.json({ error: error.errorName, detail: error.issues }, 422);
  }
  const message = error instanceof Error ? error.message : String(error);
  return context.json({ error: "InternalServerError", detail: message }, 500);
}
