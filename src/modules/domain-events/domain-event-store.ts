import type { DomainEventRecord } from "./domain-event-types.js";

/** Persistence port of domain events. Implemented in `src/storage/stores/domain-event-store.ts`. */
export interface DomainEventStore {
  /** Stores the event unless its id is already stored; true when new. */
  insert(event: Omit<DomainEventRecord, "sequence">): Promise<boolean>;
  /** Events not yet fanned out to webhook endpoints, oldest first. */
  listUndispatched(limit: number): Promise<DomainEventRecord[]>;
  markDispatched(ids: string[]): Promise<void>;
  find(id: string): Promise<DomainEventRecord | null>;
  /** Deletes dispatched events recorded before `beforeMs`; returns how many. */
  purgeDispatched(beforeMs: number, limit: number): Promise<number>;
}

export interface DomainEventStores {
  domainEvents: DomainEventStore;
}
