/** Stripe-style test cards the hosted checkout and renewals understand. */
export type ChargeOutcome =
  | { succeeded: true }
  | { succeeded: false; declineCode: "card_declined" | "insufficient_funds"; message: string };

const CARD_OUTCOMES: Record<string, ChargeOutcome> = {
  "4242424242424242": { succeeded: true },
  "4000000000000002": { succeeded: false, declineCode: "card_declined", message: "Your card was declined." },
  "4000000000009995": {
    succeeded: false,
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
};

export const TEST_CARD_NUMBERS = Object.keys(CARD_OUTCOMES);

export function normalizeCardNumber(card: string): string {
  return card.replace(/[\s-]/g, "");
}

export function isKnownTestCard(card: string): boolean {
  return normalizeCardNumber(card) in CARD_OUTCOMES;
}

/** The outcome of charging a saved card; an unknown or missing card is declined. */
export function chargeCard(card: string | null): ChargeOutcome {
  const outcome = card ? CARD_OUTCOMES[normalizeCardNumber(card)] : undefined;
  return outcome ?? { succeeded: false, declineCode: "card_declined", message: "Your card was declined." };
}
