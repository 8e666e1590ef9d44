import type { Credits } from "../credits/index.js";
import type { ProviderEvent } from "../provider/index.js";
import type { Usage } from "../usage/index.js";
import type { CustomerChangeBus } from "./customer-change-bus.js";

/**
 * Announces every credit and usage write once it has committed, by wrapping the services' write
 * methods at the composition root: the services stay free of realtime concerns, and both the HTTP API
 * and embedded callers are covered.
 */
export function announceWrites(credits: Credits, usage: Usage, bus: CustomerChangeBus): void {
  const announcing =
    <A extends unknown[], R>(
      method: (...args: A) => Promise<R>,
      customersOf: (args: A, result: R) => string[],
    ) =>
    async (...args: A): Promise<R> => {
      const result = await method(...args);
      for (const customerId of new Set(customersOf(args, result))) bus.publish(customerId);
      return result;
    };
  credits.grant = announcing(credits.grant.bind(credits), ([input]) => [input.customerId]);
  credits.spend = announcing(credits.spend.bind(credits), ([input]) => [input.customerId]);
  credits.hold = announcing(credits.hold.bind(credits), (_args, hold) => [hold.customerId]);
  credits.commit = announcing(credits.commit.bind(credits), (_args, hold) => [hold.customerId]);
  credits.release = announcing(credits.release.bind(credits), (_args, hold) => [hold.customerId]);
  credits.fail = announcing(credits.fail.bind(credits), (_args, hold) => [hold.customerId]);
  usage.ingest = announcing(usage.ingest.bind(usage), ([events]) => events.map((event) => event.customerId));
}

/** The customers a provider event touches; a checkout's customer is looked up by its provider id. */
export async function customersAffectedBy(
  event: ProviderEvent,
  customerOfCheckout: (providerCheckoutId: string) => Promise<string | null>,
): Promise<string[]> {
  switch (event.kind) {
    case "grant":
      return event.grant.externalCustomerId ? [event.grant.externalCustomerId] : [];
    case "order":
      return event.order.externalCustomerId ? [event.order.externalCustomerId] : [];
    case "subscription":
      return event.subscription.externalCustomerId ? [event.subscription.externalCustomerId] : [];
    case "checkout":
    case "payment": {
      const fromOrder = event.kind === "payment" ? event.order?.externalCustomerId : null;
      const checkoutId = event.kind === "checkout" ? event.providerCheckoutId : event.providerPaymentId;
      const fromCheckout = await customerOfCheckout(checkoutId);
      return [fromOrder, fromCheckout].filter((id): id is string => typeof id === "string");
    }
    default:
      return [];
  }
}
