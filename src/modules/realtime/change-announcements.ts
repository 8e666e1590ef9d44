import type { Credits } from "../credits/index.js";
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
