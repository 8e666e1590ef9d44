import type {
  AccountLinkRecord,
  AccountObject,
  AccountRequirements,
  ApplicationFeeObject,
  PayoutObject,
  TransferObject,
} from "./connect-records.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { ChargeObject, Metadata, PaymentIntentObject, RefundObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { reverseTransfer } from "./transfer-reversals.js";

/** Stripe's account links expire about 300 s after creation (facts §6.1). */
export const ACCOUNT_LINK_LIFETIME_SECONDS = 300;
/** A standard payout arrives two days after it is created (test mode: the clock moves it). */
export const PAYOUT_ARRIVAL_SECONDS = 2 * 24 * 60 * 60;
/** The application id fees name; the emulator has one platform. */
const PLATFORM_APPLICATION = "ca_emulatorplatform";

/** What an Express-style account still owes before it can take charges and receive payouts. */
const ONBOARDING_REQUIREMENTS = [
  "business_profile.url",
  "external_account",
  "individual.first_name",
  "individual.last_name",
  "tos_acceptance.date",
  "tos_acceptance.ip",
];

function requirements(due: string[]): AccountRequirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [...due],
    disabled_reason: due.length > 0 ? "requirements.past_due" : null,
    errors: [],
    eventually_due: [...due],
    past_due: [...due],
    pending_verification: [],
  };
}

export interface AccountInput {
  type?: AccountObject["type"];
  country?: string;
  email?: string;
  metadata?: Metadata;
  businessName?: string;
  requestCardPayments: boolean;
  /** Stripe pays Express accounts out daily unless the platform asks for manual payouts. */
  payoutInterval?: "manual" | "daily";
}

/** Creates a connected account that must complete onboarding before charges or payouts are enabled. */
export function createAccount(runtime: StripeEmulatorRuntime, input: AccountInput): AccountObject {
  const country = (input.country ?? "US").toUpperCase();
  const account: AccountObject = {
    id: runtime.newId("acct_", 16),
    object: "account",
    created: runtime.nowSeconds(),
    livemode: false,
    type: input.type ?? "express",
    business_profile: { name: input.businessName ?? null, product_description: null, url: null },
    business_type: null,
    capabilities: {
      transfers: "inactive",
      ...(input.requestCardPayments ? { card_payments: "inactive" as const } : {}),
    },
    charges_enabled: false,
    controller: {
      type: "application",
      is_controller: true,
      fees: { payer: "application" },
      losses: { payments: "application" },
      requirement_collection: "stripe",
      stripe_dashboard: { type: "express" },
    },
    country,
    default_currency: country === "US" ? "usd" : "eur",
    details_submitted: false,
    email: input.email ?? null,
    external_accounts: { object: "list", data: [], has_more: false, url: "" },
    future_requirements: requirements([]),
    metadata: input.metadata ?? {},
    payouts_enabled: false,
    requirements: requirements(ONBOARDING_REQUIREMENTS),
    settings: { payouts: { schedule: { interval: input.payoutInterval ?? "daily", delay_days: 2 } } },
    tos_acceptance: { date: null, ip: null },
  };
  account.external_accounts.url = `/v1/accounts/${account.id}/external_accounts`;
  runtime.store.accounts.put(account);
  return account;
}

export function findAccount(runtime: StripeEmulatorRuntime, id: string, param = "account"): AccountObject {
  const account = runtime.store.accounts.get(id);
  if (!account) throw resourceMissing("account", id, param);
  return account;
}

export function createAccountLink(
  runtime: StripeEmulatorRuntime,
  input: Omit<AccountLinkRecord, "id" | "created" | "expires_at" | "used">,
): AccountLinkRecord {
  const now = runtime.nowSeconds();
  const link: AccountLinkRecord = {
    ...input,
    id: runtime.random.alphanumeric(24),
    created: now,
    expires_at: now + ACCOUNT_LINK_LIFETIME_SECONDS,
    used: false,
  };
  runtime.store.accountLinks.put(link);
  return link;
}

/** Whether a link can still be followed: unused and not expired (otherwise: go to `refresh_url`). */
export function linkUsable(runtime: StripeEmulatorRuntime, link: AccountLinkRecord): boolean {
  return !link.used && runtime.nowSeconds() < link.expires_at;
}

/** What the hosted onboarding page does when the person submits it: everything due is provided. */
export function completeOnboarding(
  runtime: StripeEmulatorRuntime,
  account: AccountObject,
  details: { businessName?: string; url?: string },
): void {
  const previous = {
    charges_enabled: account.charges_enabled,
    payouts_enabled: account.payouts_enabled,
    details_submitted: account.details_submitted,
    capabilities: { ...account.capabilities },
    requirements: structuredClone(account.requirements),
  };
  const now = runtime.nowSeconds();
  account.details_submitted = true;
  account.charges_enabled = true;
  account.payouts_enabled = true;
  account.capabilities = {
    transfers: "active",
    ...(account.capabilities.card_payments ? { card_payments: "active" as const } : {}),
  };
  account.requirements = requirements([]);
  account.business_profile = {
    ...account.business_profile,
    name: details.businessName || account.business_profile.name,
    url: details.url || "https://creator.example.com",
  };
  account.tos_acceptance = { date: now, ip: "127.0.0.1" };
  runtime.emit("account.updated", account, previous, account.id);
}

/**
 * A destination charge succeeded: the whole amount (or `transfer_data.amount`) is transferred to the
 * connected account, and the application fee comes back to the platform (facts §6.2).
 */
export function settleDestinationCharge(
  runtime: StripeEmulatorRuntime,
  intent: PaymentIntentObject,
  charge: ChargeObject,
): void {
  const destination = intent.transfer_data?.destination;
  if (!destination) return;
  const account = findAccount(runtime, destination, "transfer_data[destination]");
  const now = runtime.nowSeconds();
  const transfer: TransferObject = {
    id: runtime.newId("tr_", 24),
    object: "transfer",
    amount: intent.transfer_data?.amount ?? charge.amount,
    amount_reversed: 0,
    balance_transaction: runtime.newId("txn_", 24),
    created: now,
    currency: charge.currency,
    description: null,
    destination: account.id,
    destination_payment: runtime.newId("py_", 24),
    livemode: false,
    metadata: {},
    reversals: { object: "list", data: [], has_more: false, url: "" },
    reversed: false,
    source_transaction: charge.id,
    source_type: "card",
    transfer_group: intent.transfer_group ?? `group_${intent.id}`,
  };
  transfer.reversals.url = `/v1/transfers/${transfer.id}/reversals`;
  runtime.store.transfers.put(transfer);
  charge.transfer = transfer.id;
  charge.transfer_data = { ...intent.transfer_data! };
  runtime.emit("transfer.created", transfer);
  const feeAmount = intent.application_fee_amount ?? 0;
  if (feeAmount <= 0) return;
  const fee: ApplicationFeeObject = {
    id: runtime.newId("fee_", 24),
    object: "application_fee",
    account: account.id,
    amount: feeAmount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION,
    balance_transaction: runtime.newId("txn_", 24),
    charge: charge.id,
    created: now,
    currency: charge.currency,
    fee_source: { charge: charge.id, type: "charge" },
    livemode: false,
    originating_transaction: null,
    refunded: false,
    refunds: { object: "list", data: [], has_more: false, url: "" },
  };
  fee.refunds.url = `/v1/application_fees/${fee.id}/refunds`;
  runtime.store.applicationFees.put(fee);
  charge.application_fee = fee.id;
  charge.application_fee_amount = feeAmount;
  runtime.emit("application_fee.created", fee);
}

/** The refunded share of `amount`, rounded to the nearest minor unit, as Stripe reverses proportionally. */
function share(amount: number, refunded: number, total: number): number {
  return total === 0 ? 0 : Math.round((amount * refunded) / total);
}

/** `reverse_transfer` and `refund_application_fee` on a refund of a destination charge. */
export function reverseForRefund(
  runtime: StripeEmulatorRuntime,
  charge: ChargeObject,
  refund: RefundObject,
  options: { reverseTransfer: boolean; refundApplicationFee: boolean },
): void {
  const transfer = charge.transfer ? runtime.store.transfers.get(charge.transfer) : undefined;
  if (options.reverseTransfer && transfer) {
    const amount = Math.min(
      transfer.amount - transfer.amount_reversed,
      share(transfer.amount, refund.amount, charge.amount),
    );
    if (amount > 0) reverseTransfer(runtime, transfer, { amount, sourceRefund: refund.id });
  }
  const fee = charge.application_fee ? runtime.store.applicationFees.get(charge.application_fee) : undefined;
  if (options.refundApplicationFee && fee) {
    const amount = Math.min(
      fee.amount - fee.amount_refunded,
      share(fee.amount, refund.amount, charge.amount),
    );
    if (amount > 0) {
      fee.refunds.data.push({
        id: runtime.newId("fr_", 24),
        object: "fee_refund",
        amount,
        balance_transaction: null,
        created: runtime.nowSeconds(),
        currency: fee.currency,
        fee: fee.id,
        metadata: {},
      });
      fee.amount_refunded += amount;
      fee.refunded = fee.amount_refunded >= fee.amount;
      runtime.emit("application_fee.refunded", fee);
    }
  }
}

/** What the connected account holds: transfers in, fees out, reversals and payouts out. */
export function accountBalance(runtime: StripeEmulatorRuntime, accountId: string, currency: string): number {
  const store = runtime.store;
  const transfers = store.transfers
    .filter((row) => row.destination === accountId && row.currency === currency)
    .reduce((sum, row) => sum + row.amount - row.amount_reversed, 0);
  const fees = store.applicationFees
    .filter((row) => row.account === accountId && row.currency === currency)
    .reduce((sum, row) => sum + row.amount - row.amount_refunded, 0);
  const payouts = store.payouts
    .filter(
      (row) =>
        store.payoutAccounts.get(row.id)?.account === accountId &&
        row.currency === currency &&
        row.status !== "failed" &&
        row.status !== "canceled",
    )
    .reduce((sum, row) => sum + row.amount, 0);
  return transfers - fees - payouts;
}

/** A manual payout on a connected account (`Stripe-Account`); the clock moves it to paid or failed. */
export function createPayout(
  runtime: StripeEmulatorRuntime,
  account: AccountObject,
  input: { amount: number; currency: string; description?: string; metadata?: Metadata },
): PayoutObject {
  if (!account.payouts_enabled)
    throw invalidRequest("Payouts are not enabled for this account.", "account", "payouts_not_allowed");
  if (account.settings.payouts.schedule.interval !== "manual")
    throw invalidRequest(
      "You cannot create manual payouts on an account with automatic payouts enabled; set settings[payouts][schedule][interval]=manual.",
      "account",
    );
  const currency = input.currency.toLowerCase();
  const available = accountBalance(runtime, account.id, currency);
  if (input.amount > available)
    throw invalidRequest(
      `You have insufficient funds in your Stripe account for this transfer. Your balance is ${available}.`,
      "amount",
      "balance_insufficient",
    );
  const now = runtime.nowSeconds();
  const payout: PayoutObject = {
    id: runtime.newId("po_", 24),
    object: "payout",
    amount: input.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: now + PAYOUT_ARRIVAL_SECONDS,
    automatic: false,
    balance_transaction: runtime.newId("txn_", 24),
    created: now,
    currency,
    description: input.description ?? null,
    destination: runtime.newId("ba_", 24),
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: input.metadata ?? {},
    method: "standard",
    original_payout: null,
    reconciliation_status: "not_applicable",
    reversed_by: null,
    source_type: "card",
    statement_descriptor: null,
    status: "pending",
    type: "bank_account",
  };
  runtime.store.payouts.put(payout);
  runtime.store.payoutAccounts.put({ id: payout.id, account: account.id });
  runtime.emit("payout.created", payout, undefined, account.id);
  return payout;
}

/** Fails a payout, now or after it was paid (banks return payouts days later, facts §6.2). */
export function failPayout(runtime: StripeEmulatorRuntime, payout: PayoutObject): void {
  if (payout.status === "failed" || payout.status === "canceled") return;
  const account = runtime.store.payoutAccounts.get(payout.id)?.account;
  const previous = { status: payout.status };
  payout.status = "failed";
  payout.failure_code = "account_closed";
  payout.failure_message = "The bank account has been closed.";
  payout.failure_balance_transaction = runtime.newId("txn_", 24);
  runtime.emit("payout.updated", payout, previous, account);
  runtime.emit("payout.failed", payout, previous, account);
}

/** At its arrival date a pending payout is paid, unless the fail-next knob claims it. */
export function arrivePayout(runtime: StripeEmulatorRuntime, payout: PayoutObject): void {
  if (payout.status !== "pending" && payout.status !== "in_transit") return;
  if (runtime.connectKnobs.failNextPayouts > 0) {
    runtime.connectKnobs.failNextPayouts -= 1;
    failPayout(runtime, payout);
    return;
  }
  const account = runtime.store.payoutAccounts.get(payout.id)?.account;
  const previous = { status: payout.status };
  payout.status = "paid";
  payout.reconciliation_status = "completed";
  runtime.emit("payout.updated", payout, previous, account);
  runtime.emit("payout.paid", payout, previous, account);
}
