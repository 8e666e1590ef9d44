export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  principalId: string;
  key: string;
  requestHash: string;
  state: "in_flight" | "completed";
  response: StoredResponse | null;
  /**
   * The fixed lock of versions before instance leases: what a record without an owner is judged by.
   * Still written (60 s) for instances of those versions during a rolling upgrade; ignored otherwise.
   */
  lockedUntilMs: number;
  createdAtMs: number;
  expiresAtMs: number;
  /** The instance whose request holds (or held) the key; null on records older than leases. */
  ownerInstanceId: string | null;
  /** This claim's fencing token: completing or releasing must name it, so a lost claim changes nothing. */
  claimId: string | null;
}

/**
 * A running instance's promise to be alive: renewed by its heartbeat, it lapses a few seconds after
 * the process dies, and with it every claim the process held.
 */
export interface InstanceLeaseRecord {
  instanceId: string;
  startedAtMs: number;
  renewedAtMs: number;
  expiresAtMs: number;
}

export type IdempotencyDecision =
  | { kind: "proceed"; claimId: string }
  | { kind: "replay"; response: StoredResponse };

/** What became of a response handed to `complete`. */
export type CompletionOutcome =
  /** Stored: retries replay it. */
  | "stored"
  /** Not stored: the claim was taken over by a retry elsewhere (this instance was judged dead). */
  | "fenced"
  /** Not stored yet: the database failed; the heartbeat keeps trying while the claim stays ours. */
  | "deferred";
