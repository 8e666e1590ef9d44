import { InvariantViolation } from "./kernel/index.js";
import type { ApplyOutcome, Billing } from "./modules/billing/index.js";
import type { Checkouts } from "./modules/checkout/index.js";
import type { Marketplace } from "./modules/marketplace/index.js";
import type { ProviderEvent } from "./modules/provider/index.js";
import { type CustomerChangeBus, customersAffectedBy } from "./modules/realtime/index.js";
import type { Storage, Stores } from "./storage/index.js";

/** Applies one provider event inside the caller's unit of work; what the webhook inbox calls. */
export type ProviderEventApplier = (
  stores: Stores,
  provider: string,
  event: ProviderEvent,
) => Promise<ApplyOutcome>;

/**
 * Where a provider event goes, whatever brought it (a webhook delivery, or development's simulated
 * payment), and which customers hear of it once the unit of work commits. One exhaustive switch, so
 * the compiler names this place when a kind is added, and the outcome it returns is what the inbox
 * records: `ignored` only when no module acted on the event.
 *
 * @example
 * const apply = providerEventApplier({ storage, checkouts, billing, marketplace, changeBus });
 * await storage.transaction((stores) => apply(stores, "stripe", event));
 */
export function providerEventApplier(parts: {
  storage: Storage;
  checkouts: Checkouts;
  billing: Billing;
  marketplace: Marketplace;
  changeBus: CustomerChangeBus;
}): ProviderEventApplier {
  const { storage, checkouts, billing, marketplace, changeBus } = parts;
  const dispatch = async (stores: Stores, provider: string, event: ProviderEvent): Promise<ApplyOutcome> => {
    switch (event.kind) {
      case "seller_account":
      case "seller_charge":
      case "seller_refund":
      case "seller_dispute":
      case "seller_payout":
      case "seller_membership":
        return marketplace.apply(stores, event);
      case "checkout":
        return checkouts.recordOutcome(stores, provider, event);
      case "payment": {
        // An embedded payment is two facts: how the attempt ended, and (on success) the paid order.
        const attempt = await checkouts.recordOutcome(stores, provider, {
          kind: "checkout",
          providerCheckoutId: event.providerPaymentId,
          status: event.status,
        });
        const order = event.order
          ? await billing.apply(stores, provider, { kind: "order", order: event.order })
          : "ignored";
        return strongest(attempt, order);
      }
      case "grant":
      case "subscription":
      case "order":
        return billing.apply(stores, provider, event);
      case "ignored":
        return "ignored";
      default:
        return assertNever(event);
    }
  };
  return async (stores, provider, event) => {
    const outcome = await dispatch(stores, provider, event);
    const affected = await customersAffectedBy(event, (id) => stores.checkouts.customerOf(provider, id));
    for (const customerId of affected) storage.afterCommit(stores, () => changeBus.publish(customerId));
    return outcome;
  };
}

const outcomeRank: Record<ApplyOutcome, number> = { ignored: 0, stale: 1, applied: 2 };

/** The outcome of an event made of parts: applied if any part was, ignored only if every part was. */
function strongest(first: ApplyOutcome, second: ApplyOutcome): ApplyOutcome {
  return outcomeRank[first] >= outcomeRank[second] ? first : second;
}

function assertNever(event: never): never {
  throw new InvariantViolation(
    `no module applies provider events of kind ${(event as { kind: string }).kind}`,
  );
}
