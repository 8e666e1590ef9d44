/** Polar's dunning: retries 2, 5, 7 and 7 days after the previous failed attempt, then the subscription is unpaid. */
export const DUNNING_RETRY_DELAYS_DAYS = [2, 5, 7, 7] as const;
