import { NotFoundError, type StoreAccess } from "../../kernel/index.js";
import type { Ledger } from "../ledger/index.js";
import type { MarketplaceStores } from "./marketplace-events.js";
import { marketplaceAccountKinds, sellerAccount } from "./marketplace-postings.js";
import { requireSeller } from "./marketplace-rules.js";
import type {
  DisputeRecord,
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  SellerTotals,
} from "./marketplace-types.js";

export interface SellerDashboard {
  seller: SellerRecord;
  totals: SellerTotals[];
  charges: SellerChargeRecord[];
  payouts: PayoutRecord[];
}

/** The read side: seller dashboards from the ledger, viewers' memberships, the platform's fee income. */
export class MarketplaceReads {
  readonly #access: StoreAccess<MarketplaceStores>;
  readonly #ledger: Ledger;
  readonly #settle: (sellerId: string) => Promise<number>;

  constructor(options: {
    access: StoreAccess<MarketplaceStores>;
    ledger: Ledger;
    settle: (sellerId: string) => Promise<number>;
  }) {
    this.#access = options.access;
    this.#ledger = options.ledger;
    this.#settle = options.settle;
  }

  /** Balances straight from the ledger: the truth, recomputable by `ledger verify`. */
  async totals(sellerId: string, currency: string): Promise<SellerTotals> {
    const [pendingMinor, availableMinor, paidMinor] = await Promise.all(
      (["pending", "available", "paid"] as const).map((bucket) =>
        this.#ledger.balanceOf(sellerAccount(bucket, sellerId, currency)),
      ),
    );
    return {
      currency,
      pendingMinor: pendingMinor!,
      availableMinor: availableMinor!,
      paidMinor: paidMinor!,
      lifetimeMinor: pendingMinor! + availableMinor! + paidMinor!,
    };
  }

  /** Settles anything due first, so "available" is current when the seller looks. */
  async dashboard(sellerId: string, limit = 100): Promise<SellerDashboard> {
    await this.#settle(sellerId);
    const { seller, charges, payouts } = await this.#access.read(async (stores) => ({
      seller: requireSeller(await stores.marketplace.findSeller(sellerId), sellerId),
      charges: await stores.marketplace.listCharges(sellerId, limit),
      payouts: await stores.marketplace.listPayouts(sellerId, limit),
    }));
    const currencies = [
      ...new Set([...charges.map((row) => row.currency), ...payouts.map((row) => row.currency)]),
    ];
    const totals = await Promise.all(currencies.sort().map((currency) => this.totals(sellerId, currency)));
    return { seller, totals, charges, payouts };
  }

  /**
   * The dashboard of the seller your app knows as `externalId` (its own user id): what a seller's
   * browser reads with a customer token for that id.
   */
  async dashboardOfExternalId(externalId: string, limit = 100): Promise<SellerDashboard> {
    const seller = await this.#access.read((stores) => stores.marketplace.findSellerByExternalId(externalId));
    if (!seller) throw new NotFoundError("Seller", externalId);
    return this.dashboard(seller.id, limit);
  }

  async charge(providerPaymentId: string): Promise<SellerChargeRecord> {
    const charge = await this.#access.read((stores) => stores.marketplace.findCharge(providerPaymentId));
    if (!charge) throw new NotFoundError("Seller charge", providerPaymentId);
    return charge;
  }

  memberships(customerId: string): Promise<MembershipRecord[]> {
    return this.#access.read((stores) => stores.marketplace.listMembershipsOfCustomer(customerId));
  }

  /** Disputes on sellers' charges, newest first: what each holds and whether it was recovered. */
  disputes(filter: { recovery?: "due" | "done"; limit: number }): Promise<DisputeRecord[]> {
    return this.#access.read((stores) => stores.sellerDisputes.list(filter));
  }

  listSellers(limit: number, afterId: string | null): Promise<SellerRecord[]> {
    return this.#access.read((stores) => stores.marketplace.listSellers(limit, afterId));
  }

  /** The platform's fee income per currency, from the ledger. */
  async platformFeeIncome(): Promise<
    Array<{ currency: string; feeIncomeMinor: number; providerFeesMinor: number }>
  > {
    const [fees, providerFees] = await Promise.all(
      [marketplaceAccountKinds.feeIncome, marketplaceAccountKinds.providerFees].map((kind) =>
        this.#ledger.listAccounts({ kind, ownerId: "", limit: 200 }),
      ),
    );
    const currencies = [...new Set(fees!.map((row) => row.account.currency))].sort();
    return currencies.map((currency) => ({
      currency,
      feeIncomeMinor: fees!.find((row) => row.account.currency === currency)?.balanceMinor ?? 0,
      providerFeesMinor: providerFees!.find((row) => row.account.currency === currency)?.balanceMinor ?? 0,
    }));
  }
}
