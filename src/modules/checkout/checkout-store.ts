import type { CheckoutStatus } from "../provider/index.js";

export interface CheckoutRecord {
  id: string;
  customerId: string;
  catalogKey: string;
  provider: string;
  providerCheckoutId: string;
  url: string;
  amountMinor: number | null;
  status: CheckoutStatus;
  createdAtMs: number;
}

export interface CheckoutStore {
  insert(record: CheckoutRecord): Promise<void>;
  /** Records what the provider says became of a checkout; false when the checkout is not ours. */
  updateStatus(
    provider: string,
    providerCheckoutId: string,
    status: CheckoutStatus,
    updatedAtMs: number,
  ): Promise<boolean>;
  find(id: string): Promise<CheckoutRecord | null>;
  /** Whose checkout a provider's checkout id is (null when it is not ours). */
  customerOf(provider: string, providerCheckoutId: string): Promise<string | null>;
  listOf(customerId: string): Promise<CheckoutRecord[]>;
}
