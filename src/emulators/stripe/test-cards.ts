import type { DisputeReason } from "./dispute-records.js";

/** What charging a test card does (facts §7.1). */
export type CardBehaviour =
  /** With `disputeReason`, the successful charge is disputed right after it is paid (0259). */
  | { kind: "succeeds"; disputeReason?: DisputeReason }
  | { kind: "declined"; declineCode: string; message: string }
  /** Needs 3D Secure on-session; off-session it passes once set up (3155) or always fails (3184). */
  | { kind: "authentication"; offSessionAfterSetup: boolean }
  /** Attaches fine, every charge fails: the renewal-failure card (0341). */
  | { kind: "attach_then_decline" };

interface TestCard {
  number: string;
  brand: "visa" | "mastercard";
  behaviour: CardBehaviour;
  /** Server-side test payment method ids that stand for this card. */
  aliases: readonly string[];
}

const DECLINED = {
  kind: "declined",
  declineCode: "generic_decline",
  message: "Your card was declined.",
} as const;

export const TEST_CARDS: readonly TestCard[] = [
  {
    number: "4242424242424242",
    brand: "visa",
    behaviour: { kind: "succeeds" },
    aliases: ["pm_card_visa", "tok_visa"],
  },
  {
    number: "5555555555554444",
    brand: "mastercard",
    behaviour: { kind: "succeeds" },
    aliases: ["pm_card_mastercard", "tok_mastercard"],
  },
  {
    number: "4000000000000259",
    brand: "visa",
    behaviour: { kind: "succeeds", disputeReason: "fraudulent" },
    aliases: ["pm_card_createDispute", "tok_createDispute"],
  },
  {
    number: "4000000000000002",
    brand: "visa",
    behaviour: DECLINED,
    aliases: ["pm_card_visa_chargeDeclined", "pm_card_chargeDeclined", "tok_chargeDeclined"],
  },
  {
    number: "4000000000009995",
    brand: "visa",
    behaviour: {
      kind: "declined",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds.",
    },
    aliases: ["pm_card_visa_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedInsufficientFunds"],
  },
  {
    number: "4000002500003155",
    brand: "visa",
    behaviour: { kind: "authentication", offSessionAfterSetup: true },
    aliases: ["pm_card_authenticationRequiredOnSetup"],
  },
  {
    number: "4000002760003184",
    brand: "visa",
    behaviour: { kind: "authentication", offSessionAfterSetup: false },
    aliases: ["pm_card_authenticationRequired"],
  },
  {
    number: "4000000000000341",
    brand: "visa",
    behaviour: { kind: "attach_then_decline" },
    aliases: ["pm_card_chargeCustomerFail"],
  },
];

export function normalizeCardNumber(card: string): string {
  return card.replace(/[\s-]/g, "");
}

/** A test card by number (spaces allowed) or by `pm_card_…`/`tok_…` alias. */
export function findTestCard(reference: string): TestCard | undefined {
  const normalized = normalizeCardNumber(reference);
  return TEST_CARDS.find((card) => card.number === normalized || card.aliases.includes(reference));
}

/** Any other well-formed number behaves like 4242, as Stripe's test mode treats unknown valid cards. */
export function cardBehaviour(number: string): CardBehaviour {
  return findTestCard(number)?.behaviour ?? { kind: "succeeds" };
}

export function cardBrand(number: string): string {
  return findTestCard(number)?.brand ?? (number.startsWith("5") ? "mastercard" : "visa");
}

/** Luhn check, so a typo on the hosted page is an error rather than a silent success. */
export function isValidCardNumber(card: string): boolean {
  const digits = normalizeCardNumber(card);
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
