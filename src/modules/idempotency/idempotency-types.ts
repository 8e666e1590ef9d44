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
  lockedUntilMs: number;
  createdAtMs: number;
  expiresAtMs: number;
}

export type IdempotencyDecision = { kind: "proceed" } | { kind: "replay"; response: StoredResponse };
