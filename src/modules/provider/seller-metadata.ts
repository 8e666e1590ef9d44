/**
 * Metadata keys Billhook puts on a seller's checkout, payment and subscription at the provider, so
 * every later event can be booked without a lookup. Adapters recognise marketplace objects by `sellerId`.
 */
export const sellerMetadata = {
  sellerId: "billhook_seller_id",
  tierId: "billhook_tier_id",
  kind: "billhook_kind",
  /** The platform fee in force when the checkout was created: later fee changes never reach it. */
  feeBps: "billhook_fee_bps",
  customerId: "billhook_customer_id",
} as const;
