import { z } from "zod";
import { type DomainEventType, domainEventSchemas } from "./domain-event-types.js";

type JsonSchema = {
  type?: string | string[];
  example?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

/**
 * A sample `data` of an event type, generated from its schema (its examples, else a value of its
 * type), for the docs and for test deliveries.
 *
 * @example
 * sampleEventData("credits.depleted"); // { customerId: "user_123", type: "images", balance: 0 }
 */
export function sampleEventData(type: DomainEventType): Record<string, unknown> {
  const schema = z.toJSONSchema(domainEventSchemas[type], { io: "output" }) as JsonSchema;
  return sampleOf(schema) as Record<string, unknown>;
}

function sampleOf(schema: JsonSchema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return sampleOf(schema.anyOf.find((option) => option.type !== "null") ?? {});
  const type = Array.isArray(schema.type) ? schema.type.find((name) => name !== "null") : schema.type;
  if (type === "object")
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, sampleOf(inner)]),
    );
  if (type === "array") return schema.items ? [sampleOf(schema.items)] : [];
  if (type === "boolean") return false;
  if (type === "number" || type === "integer") return 0;
  if (type === "string") return "string";
  return null;
}
