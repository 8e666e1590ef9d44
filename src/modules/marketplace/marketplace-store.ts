import type { DomainEventStores } from "../domain-events/index.js";
import type { LedgerStores } from "../ledger/index.js";
import type { SettingsStores } from "../settings/index.js";
import type {
  DisputeRecord,
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  TierRecord,
} from "./marketplace-types.js";

/** Every store the marketplace's units of work touch. */
export interface MarketplaceStores extends LedgerStores, SettingsStores, DomainEventStores {
  marketplace: MarketplaceStore;
  sellerDisputes: SellerDisputeStore;
}

export type ApplyOutcome = "applied" | "stale" | "ignored";

/** Persistence port of the marketplace. Implemented in `src/storage/stores/marketplace-store.ts`. */
export interface MarketplaceStore {
  /** Inserts unless the external id or handle is taken; returns whether it was inserted. */
  insertSeller(seller: SellerRecord): Promise<boolean>;
  updateSeller(seller: SellerRecord): Promise<void>;
  findSeller(id: string): Promise<SellerRecord | null>;
  findSellerByExternalId(externalId: string): Promise<SellerRecord | null>;
  findSellerByHandle(handle: string): Promise<SellerRecord | null>;
  findSellerByAccount(providerAccountId: string): Promise<SellerRecord | null>;
  listSellers(limit: number, afterId: string | null): Promise<SellerRecord[]>;

  insertTier(tier: TierRecord): Promise<void>;
  updateTier(tier: TierRecord): Promise<void>;
  deleteTier(id: string): Promise<void>;
  findTier(id: string): Promise<TierRecord | null>;
  listTiers(sellerId: string): Promise<TierRecord[]>;

  /** Inserts unless a charge with this payment id exists; returns whether it was inserted. */
  insertCharge(charge: SellerChargeRecord): Promise<boolean>;
  updateCharge(charge: SellerChargeRecord): Promise<void>;
  /** `forUpdate` locks the row until the transaction ends (PostgreSQL; SQLite writes are exclusive). */
  findCharge(
    providerPaymentId: string,
    options?: { forUpdate?: boolean },
  ): Promise<SellerChargeRecord | null>;
  listCharges(sellerId: string, limit: number): Promise<SellerChargeRecord[]>;
  /** Pending charges whose settlement delay has passed, oldest first. */
  listDueCharges(nowMs: number, sellerId: string | null, limit: number): Promise<SellerChargeRecord[]>;

  /** A refund seen before its charge: the highest cumulative amount reported so far. */
  recordRefundReport(providerPaymentId: string, refundedMinor: number): Promise<void>;
  findRefundReport(providerPaymentId: string): Promise<number>;

  findPayout(providerPayoutId: string, options?: { forUpdate?: boolean }): Promise<PayoutRecord | null>;
  upsertPayout(payout: PayoutRecord): Promise<void>;
  listPayouts(sellerId: string, limit: number): Promise<PayoutRecord[]>;

  findMembership(providerSubscriptionId: string): Promise<MembershipRecord | null>;
  upsertMembership(membership: MembershipRecord): Promise<void>;
  listMembershipsOfCustomer(customerId: string): Promise<MembershipRecord[]>;
}

/** Persistence port of disputes on sellers' charges. Implemented in `src/storage/stores/seller-dispute-store.ts`. */
export interface SellerDisputeStore {
  /** `forUpdate` locks the row until the transaction ends (PostgreSQL; SQLite writes are exclusive). */
  find(providerDisputeId: string, options?: { forUpdate?: boolean }): Promise<DisputeRecord | null>;
  upsert(dispute: DisputeRecord): Promise<void>;
  listOfPayment(providerPaymentId: string): Promise<DisputeRecord[]>;
  /** Disputes newest first (by the provider's last report), optionally only those with this recovery status. */
  list(filter: { recovery?: "due" | "done"; limit: number }): Promise<DisputeRecord[]>;
  /** Lost disputes whose seller share is still to be recovered at the provider, oldest first. */
  listRecoveryDue(limit: number): Promise<DisputeRecord[]>;
}
