import { BillhookError, type Clock, type StoreAccess } from "../../kernel/index.js";
import { type BillingProvider, ProviderEmailTakenError } from "../provider/index.js";
import type { CustomerStore } from "./customer-store.js";
import type { Customer } from "./customer-types.js";

export interface CustomerStores {
  customers: CustomerStore;
}

/**
 * The app's user id is the customer id; at the provider it is the customer's external id, which once
 * set is never changed. A customer is created at the provider only when none has that external id,
 * and an existing provider customer with the same email is linked rather than duplicated.
 */
export class Customers {
  readonly #access: StoreAccess<CustomerStores>;
  readonly #clock: Clock;
  readonly #provider: BillingProvider | null;

  constructor(access: StoreAccess<CustomerStores>, clock: Clock, provider: BillingProvider | null) {
    this.#access = access;
    this.#clock = clock;
    this.#provider = provider;
  }

  /**
   * @example
   * await billhook.customers.ensure({ customerId: "user_1", email: "ada@example.com" });
   */
  async ensure(input: { customerId: string; email?: string; name?: string }): Promise<Customer> {
    const held = await this.#access.read((stores) => stores.customers.find(input.customerId));
    if (held?.providerCustomerId) return held;
    const provider = this.#requireProvider();
    const remote =
      (await provider.findCustomerByExternalId(input.customerId)) ??
      (await this.#createOrLink(provider, input));
    const customer: Customer = {
      id: input.customerId,
      email: input.email ?? remote?.email ?? held?.email ?? null,
      name: input.name ?? held?.name ?? null,
      provider: provider.name,
      providerCustomerId: remote?.providerCustomerId ?? null,
      createdAtMs: held?.createdAtMs ?? this.#clock.now().getTime(),
    };
    await this.#access.transaction((stores) => stores.customers.save(customer, this.#clock.now().getTime()));
    return customer;
  }

  /** Records the customer locally without calling the provider (checkout links it at the provider). */
  async remember(input: { customerId: string; email?: string; name?: string }): Promise<void> {
    const nowMs = this.#clock.now().getTime();
    await this.#access.transaction(async (stores) => {
      const held = await stores.customers.find(input.customerId);
      await stores.customers.save(
        {
          id: input.customerId,
          email: input.email ?? held?.email ?? null,
          name: input.name ?? held?.name ?? null,
          provider: held?.provider ?? this.#provider?.name ?? "none",
          providerCustomerId: held?.providerCustomerId ?? null,
          createdAtMs: held?.createdAtMs ?? nowMs,
        },
        nowMs,
      );
    });
  }

  async #createOrLink(
    provider: BillingProvider,
    input: { customerId: string; email?: string; name?: string },
  ) {
    if (!input.email) return null;
    try {
      return await provider.createCustomer({
        externalId: input.customerId,
        email: input.email,
        ...(input.name ? { name: input.name } : {}),
      });
    } catch (error) {
      if (!(error instanceof ProviderEmailTakenError)) throw error;
      const existing = await provider.findCustomerByEmail(input.email);
      if (existing?.externalId && existing.externalId !== input.customerId) {
        throw new BillhookError(
          "VALIDATION_FAILED",
          `The email ${input.email} belongs to another customer at ${provider.name}.`,
          { issues: [{ path: "email", message: "already used by another customer" }] },
        );
      }
      return existing;
    }
  }

  #requireProvider(): BillingProvider {
    if (!this.#provider)
      throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    return this.#provider;
  }
}
