import type { CustomerObject, Expandable } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** The stored customer an `Expandable` field names, or null (guest checkout, deleted customer). */
export function findCustomerOrNull(
  runtime: StripeEmulatorRuntime,
  reference: Expandable,
): CustomerObject | null {
  const id =
    typeof reference === "string" ? reference : typeof reference?.id === "string" ? reference.id : null;
  return id ? (runtime.store.customers.get(id) ?? null) : null;
}
