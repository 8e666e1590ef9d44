export interface CheckoutRecord {
  id: string;
  customerId: string;
  catalogKey: string;
  provider: string;
  providerCheckoutId: string;
  url: string;
  amountMinor: number | null;
  createdAtMs: number;
}

export interface CheckoutStore {
  insert(record: CheckoutRecord): Promise<void>;
}
