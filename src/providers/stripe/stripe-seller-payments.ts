import type Stripe from "stripe";
import {
  callProvider,
  chargeDisputed,
  type ProviderCheckout,
  type ProviderCustomer,
  type ProviderSellerAccount,
  type ProviderTierProduct,
  type SellerCheckoutInput,
  type SellerPayments,
  scheduleFee,
  sellerMetadata,
  type TierProductSpec,
} from "../../modules/provider/index.js";
import { customerIdMetadata } from "./stripe-catalog-mapping.js";

/** Stripe's standard US card pricing; override with the account's own rate. */
export const stripeCardFeeDefault = { bps: 290, fixedMinor: 30 } as const;

/**
 * Stripe Connect for a creator marketplace: Express-style accounts (fees and losses on the platform),
 * destination charges through Checkout, payouts on the connected account (facts §6).
 */
export class StripeSellerPayments implements SellerPayments {
  readonly #stripe: Stripe;
  readonly #ensureCustomer: (externalId: string, email?: string) => Promise<ProviderCustomer>;
  readonly #cardFee: { bps: number; fixedMinor: number };

  constructor(options: {
    stripe: Stripe;
    ensureCustomer: (externalId: string, email?: string) => Promise<ProviderCustomer>;
    cardFee?: { bps: number; fixedMinor: number };
  }) {
    this.#stripe = options.stripe;
    this.#ensureCustomer = options.ensureCustomer;
    this.#cardFee = options.cardFee ?? stripeCardFeeDefault;
  }

  async createSellerAccount(input: {
    sellerId: string;
    email: string;
    country: string;
  }): Promise<ProviderSellerAccount> {
    return this.#call(async () => {
      const account = await this.#stripe.accounts.create(
        {
          country: input.country,
          email: input.email,
          controller: {
            fees: { payer: "application" },
            losses: { payments: "application" },
            requirement_collection: "stripe",
            stripe_dashboard: { type: "express" },
          },
          capabilities: { transfers: { requested: true } },
          // Billhook pays out what its ledger says is available (after the settlement delay, less what
          // disputes hold): Express accounts would otherwise be paid out automatically (facts §6).
          settings: { payouts: { schedule: { interval: "manual" } } },
          metadata: { [sellerMetadata.sellerId]: input.sellerId },
        },
        // A retry after a lost answer must not open a second account for the same seller.
        { idempotencyKey: `billhook_seller_account_${input.sellerId}` },
      );
      return fromStripeAccount(account, new Date((account.created ?? 0) * 1000));
    });
  }

  async createOnboardingLink(input: {
    providerAccountId: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<{ url: string; expiresAt: Date }> {
    return this.#call(async () => {
      const link = await this.#stripe.accountLinks.create({
        account: input.providerAccountId,
        type: "account_onboarding",
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
      });
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
    });
  }

  async upsertTierProduct(
    spec: TierProductSpec,
    providerProductId: string | null,
  ): Promise<ProviderTierProduct> {
    return this.#call(async () => {
      const metadata = { [sellerMetadata.sellerId]: spec.sellerId, [sellerMetadata.tierId]: spec.tierId };
      const product = providerProductId
        ? await this.#stripe.products.update(providerProductId, {
            name: spec.name,
            description: spec.description ?? "",
            active: true,
            metadata,
          })
        : await this.#stripe.products.create(
            { name: spec.name, ...(spec.description ? { description: spec.description } : {}), metadata },
            { idempotencyKey: `billhook_tier_product_${spec.tierId}` },
          );
      const current = await this.#stripe.products.retrieve(product.id, { expand: ["default_price"] });
      const price = current.default_price as Stripe.Price | null;
      if (
        price &&
        price.unit_amount === spec.amountMinor &&
        price.currency === spec.currency.toLowerCase() &&
        price.recurring?.interval === spec.interval
      ) {
        return { providerProductId: product.id, providerPriceId: price.id };
      }
      // Prices are immutable: a changed amount is a new default price.
      const created = await this.#stripe.prices.create({
        product: product.id,
        currency: spec.currency.toLowerCase(),
        unit_amount: spec.amountMinor,
        recurring: { interval: spec.interval },
        metadata,
      });
      await this.#stripe.products.update(product.id, { default_price: created.id });
      return { providerProductId: product.id, providerPriceId: created.id };
    });
  }

  async archiveTierProduct(providerProductId: string): Promise<void> {
    await this.#call(() => this.#stripe.products.update(providerProductId, { active: false }));
  }

  async createSellerCheckout(input: SellerCheckoutInput): Promise<ProviderCheckout> {
    const customer = await this.#call(() => this.#ensureCustomer(input.externalCustomerId, input.email));
    return this.#call(async () => {
      const metadata = {
        ...input.metadata,
        [customerIdMetadata]: input.externalCustomerId,
        [sellerMetadata.kind]: input.item.kind,
      };
      const common = {
        customer: customer.providerCustomerId,
        client_reference_id: input.externalCustomerId,
        success_url: input.successUrl.replaceAll("{CHECKOUT_ID}", "{CHECKOUT_SESSION_ID}"),
        ...(input.returnUrl ? { cancel_url: input.returnUrl } : {}),
        metadata,
      };
      const item = input.item;
      const session =
        item.kind === "membership"
          ? await this.#stripe.checkout.sessions.create({
              ...common,
              mode: "subscription",
              line_items: [{ price: item.providerPriceId, quantity: 1 }],
              subscription_data: {
                metadata,
                transfer_data: { destination: input.providerAccountId },
                application_fee_percent: feePercent(input.applicationFeeMinor, item.amountMinor),
              },
            })
          : await this.#stripe.checkout.sessions.create({
              ...common,
              mode: "payment",
              line_items: [
                {
                  price_data: {
                    currency: item.currency.toLowerCase(),
                    unit_amount: item.amountMinor,
                    product_data: { name: item.description },
                  },
                  quantity: 1,
                },
              ],
              // The tip amount is fixed here, so the fee is exact for what the buyer actually pays
              // (a pay-what-you-want price would leave it unknown when the session is created).
              payment_intent_data: {
                metadata,
                application_fee_amount: input.applicationFeeMinor,
                transfer_data: { destination: input.providerAccountId },
              },
            });
      return {
        providerCheckoutId: session.id,
        url: session.url ?? "",
        expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : null,
      };
    });
  }

  async createSellerPayout(input: {
    providerAccountId: string;
    amountMinor: number;
    currency: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ providerPayoutId: string }> {
    return this.#call(async () => {
      const payout = await this.#stripe.payouts.create(
        { amount: input.amountMinor, currency: input.currency.toLowerCase(), metadata: input.metadata },
        { stripeAccount: input.providerAccountId, idempotencyKey: input.idempotencyKey },
      );
      return { providerPayoutId: payout.id };
    });
  }

  async refundSellerCharge(input: { providerPaymentId: string; amountMinor?: number }): Promise<void> {
    await this.#call(() =>
      this.#refund({
        payment_intent: input.providerPaymentId,
        ...(input.amountMinor !== undefined ? { amount: input.amountMinor } : {}),
        reverse_transfer: true,
        refund_application_fee: true,
      }),
    );
  }

  async recoverFromSeller(input: {
    providerPaymentId: string;
    amountMinor: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ providerReversalId: string }> {
    return this.#call(async () => {
      // A destination charge's transfer hangs off the charge: reversing part of it is how a platform
      // recovers a chargeback from the connected account (facts §6).
      const charge = input.providerPaymentId.startsWith("ch_")
        ? await this.#stripe.charges.retrieve(input.providerPaymentId)
        : await this.#latestCharge(input.providerPaymentId);
      const transfer = typeof charge.transfer === "string" ? charge.transfer : charge.transfer?.id;
      if (!transfer) throw new Error(`Charge ${charge.id} has no transfer to a seller to reverse.`);
      const reversal = await this.#stripe.transfers.createReversal(
        transfer,
        { amount: input.amountMinor, metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      return { providerReversalId: reversal.id };
    });
  }

  async #latestCharge(paymentIntentId: string): Promise<Stripe.Charge> {
    const intent = await this.#stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
    const charge = intent.latest_charge;
    if (!charge || typeof charge === "string")
      throw new Error(`PaymentIntent ${paymentIntentId} has no charge.`);
    return charge;
  }

  async #refund(params: Stripe.RefundCreateParams): Promise<Stripe.Refund> {
    try {
      return await this.#stripe.refunds.create(params);
    } catch (error) {
      // A dispute Billhook has not heard of yet: the refusal is the dispute, not an outage.
      if ((error as { code?: string }).code === "charge_disputed")
        throw chargeDisputed(params.payment_intent ?? params.charge ?? "");
      throw error;
    }
  }

  processingFeeMinor(amountMinor: number, _currency: string): number {
    return scheduleFee(amountMinor, this.#cardFee);
  }

  #call<T>(work: () => Promise<T>): Promise<T> {
    return callProvider("Stripe", work);
  }
}

/**
 * Checkout subscriptions take the platform's share as a percentage with two decimals; this is the one
 * closest to the exact fee (exact for prices under 100.00, within a cent above).
 */
function feePercent(feeMinor: number, amountMinor: number): number {
  if (amountMinor <= 0) return 0;
  return Math.round((feeMinor * 10_000) / amountMinor) / 100;
}

export function fromStripeAccount(account: Stripe.Account, modifiedAt: Date): ProviderSellerAccount {
  return {
    providerAccountId: account.id,
    sellerId: account.metadata?.[sellerMetadata.sellerId] ?? null,
    detailsSubmitted: account.details_submitted ?? false,
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    requirementsDue: account.requirements?.currently_due ?? [],
    modifiedAt,
  };
}
