import { BillhookError } from "../../kernel/index.js";

/** The provider did not answer, or answered with an error that is not the caller's fault. */
export class ProviderUnavailableError extends BillhookError {
  constructor(provider: string, cause: unknown) {
    super(
      "PROVIDER_UNAVAILABLE",
      `${provider} is unavailable or answered with an error; nothing was changed.`,
      {
        provider,
      },
    );
    this.name = "ProviderUnavailableError";
    this.cause = cause;
  }
}

/**
 * The provider has no customer for this id: the caller's mistake (404), not a failing provider. It
 * passes through `callProvider` untouched, being a typed Billhook error.
 */
export class UnknownProviderCustomerError extends BillhookError {
  constructor(externalCustomerId: string) {
    super("NOT_FOUND", "The provider has no customer with this id; create it first (POST /v1/customers).", {
      customerId: externalCustomerId,
    });
    this.name = "UnknownProviderCustomerError";
  }
}

export class ProviderEmailTakenError extends Error {
  constructor(email: string) {
    super(`A customer with the email ${email} already exists at the provider.`);
    this.name = "ProviderEmailTakenError";
  }
}

export class WebhookSignatureError extends BillhookError {
  constructor(reason: string) {
    super("WEBHOOK_SIGNATURE_INVALID", `The webhook could not be verified: ${reason}.`);
    this.name = "WebhookSignatureError";
  }
}

/**
 * Runs a provider call and turns any failure that is not already a typed Billhook error into
 * PROVIDER_UNAVAILABLE, so no SDK error class escapes an adapter.
 */
export async function callProvider<T>(provider: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BillhookError || error instanceof ProviderEmailTakenError) throw error;
    throw new ProviderUnavailableError(provider, error);
  }
}

/** A disputed charge cannot be refunded: the bank decides where its money goes. */
export function chargeDisputed(providerPaymentId: string): BillhookError {
  return new BillhookError(
    "CHARGE_DISPUTED",
    `Charge ${providerPaymentId} is disputed; it cannot be refunded while the dispute holds its funds.`,
    { paymentId: providerPaymentId },
  );
}
