import type { Kysely } from "kysely";
import type { Customer, CustomerStore } from "../../modules/customers/index.js";
import type { Schema } from "../schema.js";

export class KyselyCustomerStore implements CustomerStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async find(id: string): Promise<Customer | null> {
    const row = await this.#db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      provider: row.provider,
      providerCustomerId: row.provider_customer_id,
      createdAtMs: row.created_at_ms,
    };
  }

  async save(customer: Customer, updatedAtMs: number): Promise<void> {
    await this.#db
      .insertInto("customers")
      .values({
        id: customer.id,
        email: customer.email,
        name: customer.name,
        provider: customer.provider,
        provider_customer_id: customer.providerCustomerId,
        created_at_ms: customer.createdAtMs,
        updated_at_ms: updatedAtMs,
      })
      .onConflict((conflict) =>
        conflict.column("id").doUpdateSet((eb) => ({
          email: eb.fn.coalesce("excluded.email", "customers.email"),
          name: eb.fn.coalesce("excluded.name", "customers.name"),
          provider: eb.ref("excluded.provider"),
          provider_customer_id: eb.fn.coalesce(
            "customers.provider_customer_id",
            "excluded.provider_customer_id",
          ),
          updated_at_ms: updatedAtMs,
        })),
      )
      .execute();
  }
}
