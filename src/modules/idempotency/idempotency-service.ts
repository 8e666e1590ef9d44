import {
  BillhookError,
  type Clock,
  dayMs,
  type Logger,
  randomBase62,
  type StoreAccess,
  silentLogger,
} from "../../kernel/index.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import type {
  CompletionOutcome,
  IdempotencyDecision,
  IdempotencyRecord,
  StoredResponse,
} from "./idempotency-types.js";
import { InstanceLease } from "./instance-lease.js";
import { intervalTicker, type Ticker } from "./ticker.js";

export interface IdempotencyStores {
  idempotency: IdempotencyStore;
}

export interface IdempotencyOptions {
  /** How long a completed response is kept for replay. At least 24 h by default. */
  retentionMs: number;
  /**
   * How long an instance's lease lasts unrenewed. A retry of a request whose instance crashed waits
   * up to this long (plus its own back-off); a live instance whose event loop stalls longer than this
   * may see its claims taken over (on PostgreSQL only once it has no session left, see `begin`).
   */
  leaseTtlMs: number;
  /** How often the heartbeat renews the lease. */
  leaseRenewIntervalMs: number;
}

export const defaultIdempotencyOptions: IdempotencyOptions = {
  retentionMs: dayMs,
  // 2 s unrenewed, renewed every 0.5 s: a crashed instance's claims free within about 2 s, leaving
  // room in the 5 s a retry must resolve in for the retry's own back-off and request.
  leaseTtlMs: 2_000,
  leaseRenewIntervalMs: 500,
};

export interface IdempotencyServiceOptions extends Partial<IdempotencyOptions> {
  access: StoreAccess<IdempotencyStores>;
  clock: Clock;
  /** This process's identity on the database (`Storage.instanceId`): claims record it as their owner. */
  instanceId: string;
  logger?: Logger;
  ticker?: Ticker;
}

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/** A claim lost to a concurrent retry between our read and our write is decided again, this often at most. */
const claimRoundsMax = 3;
/** Leases that ran out this long ago are deleted by the purge; a claim whose owner has none is dead anyway. */
const leaseKeepMs = 60 * 60 * 1000;
/**
 * The fixed lock of versions before leases, still written on every claim: during a rolling upgrade an
 * instance of such a version goes by it alone, and must not take a live claim over any sooner than before.
 */
const legacyLockMs = 60 * 1000;

type ClaimOutcome = IdempotencyDecision | { kind: "raced" };

/**
 * Makes retried writes exact: the same key with the same request replays the stored response, the
 * same key with another request is refused (422), and a retry racing the original is refused (409)
 * for as long as the original's instance is alive — and no longer, so a retry after a crash runs
 * within seconds instead of waiting out a fixed lock.
 *
 * Alive means: its lease (renewed every second by a heartbeat, see `InstanceLease`) has not run out,
 * or, where the database can tell (PostgreSQL's `pg_stat_activity`, by `application_name`), it still
 * has a session open. The session rule makes a stall safe: a process with an open connection could
 * still commit what it started, so its claims are never taken over; a process with no connection
 * cannot commit anything. The lease rule keeps a live instance that is briefly without a connection
 * (a reconnect) from being judged dead. Takeover is a compare-and-set on the claim id, and so is
 * completion: an instance judged dead that wakes up cannot store its response over the new owner's.
 *
 * Why not a shorter fixed lock: no fixed time tells a slow request from a dead one; a lease does, and
 * a session tells "cannot commit any more" exactly. What is left: on SQLite (one machine, no sessions
 * to see) a process stalled longer than its lease between its claim and its commit could commit after
 * a retry ran; on PostgreSQL, an instance cut off from the database for longer than its lease that
 * reconnects and then commits. Both attempts' answers are still one answer (the late one is fenced),
 * and the writes that carry their own key (credit spends, usage events, ledger ids) stay exact anyway.
 *
 * @example
 * const decision = await idempotency.begin(apiKeyId, "order-81", requestHash);
 * if (decision.kind === "proceed") await idempotency.complete(apiKeyId, "order-81", decision.claimId, response);
 */
export class Idempotency {
  readonly lease: InstanceLease;
  readonly #access: StoreAccess<IdempotencyStores>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retentionMs: number;
  /** Completions and releases the database refused, retried by the heartbeat, by claim id. */
  readonly #deferred = new Map<string, () => Promise<boolean>>();
  /** Claims this instance's requests hold right now (until completed or abandoned). */
  readonly #claimsHeld = new Set<string>();

  constructor(options: IdempotencyServiceOptions) {
    const settings: IdempotencyOptions = {
      retentionMs: options.retentionMs ?? defaultIdempotencyOptions.retentionMs,
      leaseTtlMs: options.leaseTtlMs ?? defaultIdempotencyOptions.leaseTtlMs,
      leaseRenewIntervalMs: options.leaseRenewIntervalMs ?? defaultIdempotencyOptions.leaseRenewIntervalMs,
    };
    this.#access = options.access;
    this.#clock = options.clock;
    this.#logger = options.logger ?? silentLogger;
    this.#retentionMs = settings.retentionMs;
    this.lease = new InstanceLease({
      access: options.access,
      clock: options.clock,
      logger: this.#logger,
      ticker: options.ticker ?? intervalTicker,
      instanceId: options.instanceId,
      ttlMs: settings.leaseTtlMs,
      renewIntervalMs: settings.leaseRenewIntervalMs,
      afterBeat: () => this.#retryDeferred(),
    });
  }

  /** Claims `key` for this request, or says which stored response to replay. */
  async begin(principalId: string, key: string, requestHash: string): Promise<IdempotencyDecision> {
    await this.lease.hold();
    for (let round = 1; ; round++) {
      const nowMs = this.#clock.now().getTime();
      const claim = this.#newClaim(principalId, key, requestHash, nowMs);
      const outcome = await this.#access.transaction((stores) =>
        this.#claim(stores.idempotency, claim, nowMs),
      );
      if (outcome.kind === "proceed") this.#claimsHeld.add(outcome.claimId);
      if (outcome.kind !== "raced") return outcome;
      if (round === claimRoundsMax) throw inFlight(key);
    }
  }

  /**
   * Stores the response under the claim, unless the claim was lost (`fenced`): then the response of
   * whoever took it over is the key's answer, and this one must not overwrite it.
   */
  async complete(
    principalId: string,
    key: string,
    claimId: string,
    response: StoredResponse,
  ): Promise<CompletionOutcome> {
    const store = () =>
      this.#access.transaction((stores) => stores.idempotency.complete(principalId, key, claimId, response));
    const outcome = await this.#settle(claimId, store);
    if (outcome === "fenced") {
      this.#logger.warn({ idempotencyKey: key }, "idempotency claim was taken over; response not stored");
    }
    return outcome;
  }

  /** Drops the claim so the client may retry at once (the request failed on our side). */
  async abandon(principalId: string, key: string, claimId: string): Promise<void> {
    await this.#settle(claimId, () =>
      this.#access.transaction((stores) => stores.idempotency.release(principalId, key, claimId)),
    );
  }

  /** Removes expired records and long-dead leases in batches; run by the worker. */
  async purgeExpired(batchSize = 1000): Promise<number> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction(
      async (stores) =>
        (await stores.idempotency.purgeExpired(nowMs, batchSize)) +
        (await stores.idempotency.purgeLeases(nowMs - leaseKeepMs, batchSize)),
    );
  }

  /**
   * Stops the heartbeat. With no claim in flight the lease is deleted, so nothing waits for it to run
   * out; otherwise it is left to lapse, and those claims with it.
   */
  async close(): Promise<void> {
    if (this.#claimsHeld.size === 0 && this.#deferred.size === 0) await this.lease.release();
    else this.lease.stop();
  }

  async #claim(store: IdempotencyStore, claim: IdempotencyRecord, nowMs: number): Promise<ClaimOutcome> {
    if (await store.insert(claim)) return { kind: "proceed", claimId: claim.claimId! };
    const existing = await store.find(claim.principalId, claim.key);
    if (existing === null) return { kind: "raced" };
    if (existing.expiresAtMs > nowMs) {
      if (existing.requestHash !== claim.requestHash) throw reused(claim.key);
      if (existing.state === "completed" && existing.response !== null)
        return { kind: "replay", response: existing.response };
      if (await this.#ownerMayStillCommit(store, existing, nowMs)) throw inFlight(claim.key);
    }
    // Expired, or claimed by an instance that is gone: ours, unless another retry got there first.
    return (await store.replace(claim, existing))
      ? { kind: "proceed", claimId: claim.claimId! }
      : { kind: "raced" };
  }

  async #ownerMayStillCommit(store: IdempotencyStore, claim: IdempotencyRecord, nowMs: number) {
    // Claimed before leases existed: the fixed lock it was given is all we know.
    if (claim.ownerInstanceId === null) return claim.lockedUntilMs > nowMs;
    // Our own claim: this process is alive, so the request is still running here.
    if (claim.ownerInstanceId === this.lease.instanceId) return true;
    const lease = await store.findLease(claim.ownerInstanceId);
    if (lease !== null && lease.expiresAtMs > nowMs) return true;
    return (await store.hasSessions(claim.ownerInstanceId)) === true;
  }

  #newClaim(principalId: string, key: string, requestHash: string, nowMs: number): IdempotencyRecord {
    return {
      principalId,
      key,
      requestHash,
      state: "in_flight",
      response: null,
      lockedUntilMs: nowMs + legacyLockMs,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + this.#retentionMs,
      ownerInstanceId: this.lease.instanceId,
      claimId: `claim_${randomBase62(20)}`,
    };
  }

  /** Runs a completion or release; if the database fails, the heartbeat retries it while the claim is ours. */
  async #settle(claimId: string, write: () => Promise<boolean>): Promise<CompletionOutcome> {
    try {
      return (await write()) ? "stored" : "fenced";
    } catch (error) {
      this.#logger.warn(
        { claimId, error: error instanceof Error ? error.message : String(error) },
        "idempotency claim not settled; retrying with the heartbeat",
      );
      this.#deferred.set(claimId, write);
      return "deferred";
    } finally {
      this.#claimsHeld.delete(claimId);
    }
  }

  async #retryDeferred(): Promise<void> {
    for (const [claimId, write] of this.#deferred) {
      // Settled (true) or lost (false) alike: nothing left to do for this claim.
      await write().then(
        () => this.#deferred.delete(claimId),
        () => undefined,
      );
    }
  }
}

function reused(key: string): BillhookError {
  return new BillhookError(
    "IDEMPOTENCY_KEY_REUSED",
    "This Idempotency-Key was already used with a different request.",
    {
      idempotencyKey: key,
    },
  );
}

function inFlight(key: string): BillhookError {
  return new BillhookError(
    "IDEMPOTENCY_IN_FLIGHT",
    "A request with this Idempotency-Key is still being processed; retry later.",
    { idempotencyKey: key },
  );
}
