import { newId, ValidationError } from "../../kernel/index.js";
import type { DomainEventStores } from "./domain-event-store.js";
import { type DomainEventInput, domainEventSchemas } from "./domain-event-types.js";

/**
 * Records a domain event inside the caller's unit of work, so it exists exactly when the change that
 * caused it commits; webhook deliveries are made from it after commit. Returns the event id (an
 * event recorded again under the same explicit `id` is stored once).
 *
 * @example
 * await recordDomainEvent(stores, {
 *   type: "credits.depleted",
 *   data: { customerId: "user_1", type: "images", balance: 0 },
 *   occurredAtMs: nowMs,
 * });
 */
export async function recordDomainEvent(stores: DomainEventStores, event: DomainEventInput): Promise<string> {
  const parsed = domainEventSchemas[event.type].safeParse(event.data);
  // The data comes from our own code: a mismatch is a bug, reported loudly rather than delivered.
  if (!parsed.success) {
    throw new ValidationError(
      `Domain event ${event.type} does not match its schema.`,
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const id = event.id ?? newId("evt");
  const data = parsed.data as Record<string, unknown>;
  await stores.domainEvents.insert({
    id,
    type: event.type,
    customerId: orderingKeyOf(data),
    data,
    occurredAtMs: event.occurredAtMs,
  });
  return id;
}

/**
 * Events of one customer are delivered in order; a marketplace seller's events (`seller.*`, which
 * name a `sellerId` and no `customerId`) are ordered per seller instead.
 */
function orderingKeyOf(data: Record<string, unknown>): string | null {
  if (typeof data.customerId === "string") return data.customerId;
  if (typeof data.sellerId === "string") return `seller:${data.sellerId}`;
  return null;
}
