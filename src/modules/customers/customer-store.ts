import type { Customer } from "./customer-types.js";

export interface CustomerStore {
  find(id: string): Promise<Customer | null>;
  /** Inserts the customer, or fills in what was unknown (email, name, provider id) — never the id. */
  save(customer: Customer, updatedAtMs: number): Promise<void>;
}
