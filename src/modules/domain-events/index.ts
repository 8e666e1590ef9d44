export { sampleEventData } from "./domain-event-samples.js";
export type { DomainEventStore, DomainEventStores } from "./domain-event-store.js";
export {
  type DomainEventData,
  type DomainEventInput,
  type DomainEventRecord,
  type DomainEventType,
  domainEventSchemas,
  domainEventTypes,
  isDomainEventType,
} from "./domain-event-types.js";
export { recordDomainEvent } from "./record-domain-event.js";
