import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { CustomerObject, PaymentMethodObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { cardBrand, findTestCard, isValidCardNumber, normalizeCardNumber } from "./test-cards.js";

/** Test cards expire in the future; the exact date does not matter to any outcome. */
const CARD_EXPIRY_YEARS_AHEAD = 4;

/** Creates a card payment method for a test card number. */
export function createCardPaymentMethod(
  runtime: StripeEmulatorRuntime,
  cardNumber: string,
  details: { customer?: string | null; email?: string | null; name?: string | null } = {},
): PaymentMethodObject {
  const number = normalizeCardNumber(cardNumber);
  if (!isValidCardNumber(number))
    throw invalidRequest("Your card number is incorrect.", "card[number]", "incorrect_number");
  const now = runtime.nowSeconds();
  const paymentMethod: PaymentMethodObject = {
    id: runtime.newId("pm_", 24),
    object: "payment_method",
    type: "card",
    created: now,
    livemode: false,
    card: {
      brand: cardBrand(number),
      last4: number.slice(-4),
      exp_month: 12,
      exp_year: new Date(now * 1000).getUTCFullYear() + CARD_EXPIRY_YEARS_AHEAD,
      funding: "credit",
      country: "US",
      fingerprint: `fp${number.slice(-8)}`,
    },
    customer: details.customer ?? null,
    billing_details: { email: details.email ?? null, name: details.name ?? null, phone: null, address: null },
    metadata: {},
    allow_redisplay: "unspecified",
  };
  runtime.store.paymentMethods.put(paymentMethod);
  runtime.store.cardNumbers.put({ id: paymentMethod.id, number, setUpForFutureUse: false });
  return paymentMethod;
}

/**
 * A payment method by id, or a fresh one for a test alias such as `pm_card_visa` (Stripe mints a new
 * `pm_…` each time an alias is used).
 */
export function resolvePaymentMethod(
  runtime: StripeEmulatorRuntime,
  reference: string,
  param = "payment_method",
): PaymentMethodObject {
  const stored = runtime.store.paymentMethods.get(reference);
  if (stored) return stored;
  const testCard = findTestCard(reference);
  if (testCard && !/^\d/.test(reference)) return createCardPaymentMethod(runtime, testCard.number);
  throw resourceMissing("PaymentMethod", reference, param);
}

export function cardNumberOf(runtime: StripeEmulatorRuntime, paymentMethodId: string): string | undefined {
  return runtime.store.cardNumbers.get(paymentMethodId)?.number;
}

/** Attaches a payment method to a customer and emits `payment_method.attached`. */
export function attachPaymentMethod(
  runtime: StripeEmulatorRuntime,
  paymentMethod: PaymentMethodObject,
  customer: CustomerObject,
): void {
  if (paymentMethod.customer === customer.id) return;
  if (paymentMethod.customer)
    throw invalidRequest("The payment method is already attached to another customer.", "payment_method");
  paymentMethod.customer = customer.id;
  runtime.emit("payment_method.attached", paymentMethod);
}

/** Makes the card the customer's default for invoices (what renewals charge). */
export function setDefaultPaymentMethod(
  runtime: StripeEmulatorRuntime,
  customer: CustomerObject,
  paymentMethodId: string,
): void {
  if (customer.invoice_settings.default_payment_method === paymentMethodId) return;
  const previous = { invoice_settings: { ...customer.invoice_settings } };
  customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: paymentMethodId };
  runtime.emit("customer.updated", customer, previous);
}
