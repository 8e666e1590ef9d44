export interface Customer {
  /** The app's own user or organisation id: Billhook's customer id and the provider's external id. */
  id: string;
  email: string | null;
  name: string | null;
  provider: string;
  providerCustomerId: string | null;
  createdAtMs: number;
}
