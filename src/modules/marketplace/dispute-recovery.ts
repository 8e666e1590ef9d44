import type { Logger, StoreAccess } from "../../kernel/index.js";
import type { BillingProvider } from "../provider/index.js";
import type { MarketplaceStores } from "./marketplace-store.js";
import type { DisputeRecord } from "./marketplace-types.js";

/** How many lost disputes one pass recovers; the next pass takes the rest. */
const recoveriesPerPass = 100;
/** Errors are kept for the operator; this much of the message is enough to act on. */
const errorLengthMax = 500;

export interface RecoveryPass {
  recovered: number;
  failed: number;
}

/**
 * Takes lost disputes' seller shares back at the provider. Booking a lost dispute only records the
 * recovery as due (inside the webhook's unit of work); this pass makes the call, idempotent on the
 * dispute, and records the reversal, or the error and one more attempt so the next pass retries it.
 */
export class DisputeRecovery {
  constructor(
    private readonly options: {
      access: StoreAccess<MarketplaceStores>;
      logger: Logger;
      provider: BillingProvider | null;
    },
  ) {}

  async run(): Promise<RecoveryPass> {
    const sellerPayments = this.options.provider?.sellerPayments;
    if (!sellerPayments) return { recovered: 0, failed: 0 };
    const due = await this.options.access.read((stores) =>
      stores.sellerDisputes.listRecoveryDue(recoveriesPerPass),
    );
    const pass: RecoveryPass = { recovered: 0, failed: 0 };
    for (const dispute of due) {
      const recovery = dispute.recovery!;
      try {
        const { providerReversalId } = await sellerPayments.recoverFromSeller({
          providerPaymentId: dispute.providerPaymentId,
          amountMinor: recovery.amountMinor,
          idempotencyKey: `billhook_dispute_recovery_${dispute.providerDisputeId}`,
          metadata: { billhook_dispute_id: dispute.providerDisputeId },
        });
        await this.#update(dispute, { ...recovery, status: "done", lastError: null, providerReversalId });
        pass.recovered++;
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).slice(0, errorLengthMax);
        this.options.logger.warn(
          { disputeId: dispute.providerDisputeId, attempts: recovery.attempts + 1, error: message },
          "could not recover a lost dispute from the seller; retrying on the next pass",
        );
        await this.#update(dispute, { ...recovery, attempts: recovery.attempts + 1, lastError: message });
        pass.failed++;
      }
    }
    return pass;
  }

  /** Writes the outcome onto the current row: an event may have updated it while the call ran. */
  async #update(dispute: DisputeRecord, recovery: NonNullable<DisputeRecord["recovery"]>): Promise<void> {
    await this.options.access.transaction(async (stores) => {
      const current = await stores.sellerDisputes.find(dispute.providerDisputeId, { forUpdate: true });
      if (current?.recovery?.status !== "due") return;
      await stores.sellerDisputes.upsert({ ...current, recovery });
    });
  }
}
