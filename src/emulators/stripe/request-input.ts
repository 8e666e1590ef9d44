import { z } from "zod";
import { type FormObject, parseFormBody } from "./form-body-parser.js";
import type { StripeContext } from "./stripe-app-types.js";
import { fromZodError, invalidRequest } from "./stripe-errors.js";
import type { Metadata } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Form values are strings; these read them as Stripe does. */
export const formInt = z.coerce.number().int();
export const formNonNegativeInt = z.coerce.number().int().min(0);
export const formBool = z.enum(["true", "false"]).transform((value) => value === "true");
/** `metadata[k]=v`; `metadata[k]=` removes one key and `metadata=` removes all (facts §2). */
export const metadataParam = z.union([z.literal(""), z.record(z.string(), z.string())]).optional();
export const expandParam = z.array(z.string()).optional();

const METADATA_KEYS_MAX = 50;
const METADATA_KEY_LENGTH_MAX = 40;
const METADATA_VALUE_LENGTH_MAX = 500;

/** Applies a metadata param to existing metadata with Stripe's unset rules and limits. */
export function mergeMetadata(current: Metadata, update: "" | Record<string, string> | undefined): Metadata {
  if (update === undefined) return current;
  if (update === "") return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (key.length > METADATA_KEY_LENGTH_MAX)
      throw invalidRequest(
        `Metadata key '${key}' is too long (max ${METADATA_KEY_LENGTH_MAX}).`,
        `metadata[${key}]`,
      );
    if (value.length > METADATA_VALUE_LENGTH_MAX)
      throw invalidRequest(
        `Metadata value for '${key}' is too long (max ${METADATA_VALUE_LENGTH_MAX}).`,
        `metadata[${key}]`,
      );
    if (value === "") delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_KEYS_MAX)
    throw invalidRequest(`Metadata can have at most ${METADATA_KEYS_MAX} keys.`, "metadata");
  return merged;
}

function validate<Schema extends z.ZodType>(schema: Schema, input: FormObject): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}

/**
 * Reads the form body (or JSON, which some hand-written clients send) and validates it. It also marks
 * the runtime's current request, so events emitted by the synchronous work that follows carry it.
 */
export async function readForm<Schema extends z.ZodType>(
  context: StripeContext,
  runtime: StripeEmulatorRuntime,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await context.req.text();
  const contentType = context.req.header("content-type") ?? "";
  let input: FormObject;
  if (contentType.includes("application/json") && text.trim() !== "") {
    try {
      input = JSON.parse(text) as FormObject;
    } catch {
      throw invalidRequest("Invalid JSON body.");
    }
  } else {
    input = parseFormBody(text);
  }
  const parsed = validate(schema, input);
  markOrigin(context, runtime);
  return parsed;
}

/** Query parameters in bracket notation (`expand[0]=customer`), validated. */
export function readQuery<Schema extends z.ZodType>(
  context: StripeContext,
  schema: Schema,
): z.output<Schema> {
  const query = new URL(context.req.url).search.slice(1);
  return validate(schema, parseFormBody(query));
}

export function markOrigin(context: StripeContext, runtime: StripeEmulatorRuntime): void {
  runtime.origin = {
    id: context.get("requestId") ?? null,
    idempotency_key: context.req.header("idempotency-key") ?? null,
  };
}
