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

/**
 * Which held statuses an outcome replaces. A checkout still open or confirmed takes any outcome; a
 * declined payment is retried on the same intent (Stripe keeps the PaymentIntent), so a success
 * replaces a failure; nothing replaces a success or an expiry, so a failure delivered late, twice or
 * out of order never undoes a payment.
 *
 * @example
 * statusesReplacedBy("succeeded"); // ["open", "confirmed", "failed"]
 */
export function statusesReplacedBy(status: CheckoutStatus): CheckoutStatus[] {
  switch (status) {
    case "open":
      return [];
    case "succeeded":
      return ["open", "confirmed", "failed"];
    case "confirmed":
    case "failed":
    case "expired":
      return ["open", "confirmed"];
  }
}

export interface CheckoutStore {
  insert(record: CheckoutRecord): Promise<void>;
  /**
   * Records what the provider says became of a checkout, when `statusesReplacedBy(status)` allows it;
   * false when the checkout is not ours or its held status stays.
   */
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
