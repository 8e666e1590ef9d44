/**
 * Thrown when an invariant Billhook relies on does not hold. It is a bug (ours or the database's),
 * never a user error, so it is not mapped to a business code: the edge answers 500 and logs it.
 */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`Invariant violated: ${message}`);
    this.name = "InvariantViolation";
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}

/** Money and counters are integers that must survive a round trip through a JS number exactly. */
export function assertSafeInteger(value: number, what: string): void {
  assert(Number.isSafeInteger(value), `${what} must be a safe integer, got ${value}`);
}
