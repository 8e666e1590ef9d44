import { InvariantViolation } from "../../kernel/index.js";
import type { ApplyOutcome, BillingEvent, BillingStores } from "../billing/index.js";
import type { CheckoutStores } from "../checkout/index.js";
import type { MarketplaceStores } from "../marketplace/index.js";
import type { ProviderEvent, SellerEvent } from "../provider/index.js";

/** The stores one provider event may write: the union of what its modules own. */
export type ProviderEventStores = BillingStores & Pick<CheckoutStores, "checkouts"> & MarketplaceStores;

/** The modules that apply provider events, as the router sees them (the services, or fakes in tests). */
export interface ProviderEventModules<Stores extends ProviderEventStores = ProviderEventStores> {
  billing: { apply(stores: Stores, provider: string, event: BillingEvent): Promise<ApplyOutcome> };
  checkouts: {
    recordOutcome(
      stores: Stores,
      provider: string,
      event: Extract<ProviderEvent, { kind: "checkout" }>,
    ): Promise<"applied" | "stale">;
  };
  marketplace: { apply(stores: Stores, event: SellerEvent): Promise<ApplyOutcome> };
}

/** Applies one provider event inside the caller's unit of work; what the webhook inbox calls. */
export type ProviderEventApplier<Stores extends ProviderEventStores = ProviderEventStores> = (
  stores: Stores,
  provider: string,
  event: ProviderEvent,
) => Promise<ApplyOutcome>;

/** What one event did: the outcome the inbox records, and the customers whose state it may have changed. */
export interface RoutedEvent {
  outcome: ApplyOutcome;
  customers: string[];
}

/**
 * The one place that decides what a provider event does, whatever brought it (a webhook delivery,
 * the reconciler, development's simulated payment): which module applies it, what outcome the
 * inbox records (`ignored` only when no module acted on it), and which customers hear of it once the
 * unit of work commits. One exhaustive switch, so adding a `ProviderEvent` kind fails to compile
 * until it is routed here.
 *
 * @example
 * const apply = providerEventRouter(modules, (stores, customerId) =>
 *   storage.afterCommit(stores, () => changeBus.publish(customerId)));
 * await storage.transaction((stores) => apply(stores, "stripe", event));
 */
export function providerEventRouter<Stores extends ProviderEventStores>(
  modules: ProviderEventModules<Stores>,
  announceAfterCommit: (stores: Stores, customerId: string) => void,
): ProviderEventApplier<Stores> {
  return async (stores, provider, event) => {
    const routed = await routeProviderEvent(modules, stores, provider, event);
    for (const customerId of new Set(routed.customers)) announceAfterCommit(stores, customerId);
    return routed.outcome;
  };
}

export async function routeProviderEvent<Stores extends ProviderEventStores>(
  { billing, checkouts, marketplace }: ProviderEventModules<Stores>,
  stores: Stores,
  provider: string,
  event: ProviderEvent,
): Promise<RoutedEvent> {
  switch (event.kind) {
    case "seller_account":
    case "seller_charge":
    case "seller_refund":
    case "seller_dispute":
    case "seller_payout":
    case "seller_membership":
      // A seller's money moves; no customer's entitlements, balances or usage change with it.
      return { outcome: await marketplace.apply(stores, event), customers: [] };
    case "checkout":
      return {
        outcome: await checkouts.recordOutcome(stores, provider, event),
        customers: present(await stores.checkouts.customerOf(provider, event.providerCheckoutId)),
      };
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
      return {
        outcome: strongest(attempt, order),
        customers: [
          ...present(event.order?.externalCustomerId),
          ...present(await stores.checkouts.customerOf(provider, event.providerPaymentId)),
        ],
      };
    }
    case "grant":
      return {
        outcome: await billing.apply(stores, provider, event),
        customers: present(event.grant.externalCustomerId),
      };
    case "subscription":
      return {
        outcome: await billing.apply(stores, provider, event),
        customers: present(event.subscription.externalCustomerId),
      };
    case "order":
      return {
        outcome: await billing.apply(stores, provider, event),
        customers: present(event.order.externalCustomerId),
      };
    case "ignored":
      return { outcome: "ignored", customers: [] };
    default:
      return assertNever(event);
  }
}

const outcomeRank: Record<ApplyOutcome, number> = { ignored: 0, stale: 1, applied: 2 };

/** The outcome of an event made of parts: applied if any part was, ignored only if every part was. */
function strongest(first: ApplyOutcome, second: ApplyOutcome): ApplyOutcome {
  return outcomeRank[first] >= outcomeRank[second] ? first : second;
}

function present(customerId: string | null | undefined): string[] {
  return typeof customerId === "string" ? [customerId] : [];
}

function assertNever(event: never): never {
  throw new InvariantViolation(
    `no module applies provider events of kind ${(event as { kind: string }).kind}`,
  );
}
