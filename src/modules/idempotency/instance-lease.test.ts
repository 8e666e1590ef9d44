import fc from "fast-check";
import { expect, it } from "vitest";
import { BillhookError, ManualClock } from "../../kernel/index.js";
import type { Storage } from "../../storage/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { defaultIdempotencyOptions, Idempotency, ManualTicker, newInstanceId } from "./index.js";

const ttlMs = defaultIdempotencyOptions.leaseTtlMs;
const response = (body: string) => ({ status: 201, headers: {}, body });
let sequence = 0;
const freshKey = () => `lease-${Date.now()}-${sequence++}`;

/**
 * One instance's idempotency service with a heartbeat the test drives. `connected: false` gives it an
 * id no database session carries: an instance that lost its connections (or, on SQLite, any instance).
 */
function service(storage: Storage, clock: ManualClock, options: { connected: boolean }) {
  const ticker = new ManualTicker();
  const idempotency = new Idempotency({
    access: storage,
    clock,
    ticker,
    instanceId: options.connected ? storage.instanceId : newInstanceId(),
  });
  return { idempotency, beat: () => ticker.tick() };
}

async function outcomeOf(begin: Promise<unknown>): Promise<"proceed" | "replay" | "in_flight"> {
  try {
    const decision = (await begin) as { kind: "proceed" | "replay" };
    return decision.kind;
  } catch (error) {
    if (error instanceof BillhookError && error.code === "IDEMPOTENCY_IN_FLIGHT") return "in_flight";
    throw error;
  }
}

describeEachDialect("idempotency claims held by instance leases", (fixture) => {
  /** Whether the database tells a stalled-but-connected instance from a dead one. */
  const seesSessions = fixture.dialect === "postgres";

  it("refuses a retry while the owner beats, and takes the claim over once its lease lapses", async () => {
    const clock = new ManualClock();
    const owner = service(fixture.openAnother(), clock, { connected: false });
    const retrier = service(fixture.openAnother(), clock, { connected: true });
    const key = freshKey();
    const claim = await owner.idempotency.begin("principal", key, "hash");
    expect(claim.kind).toBe("proceed");

    for (let step = 0; step < 10; step++) {
      clock.advance(ttlMs - 1);
      await owner.beat();
      expect(await outcomeOf(retrier.idempotency.begin("principal", key, "hash"))).toBe("in_flight");
    }
    clock.advance(ttlMs);
    const takeover = await retrier.idempotency.begin("principal", key, "hash");
    expect(takeover.kind).toBe("proceed");
  });

  it("keeps a stalled owner's claim while it still has a session that could commit (PostgreSQL)", async () => {
    const clock = new ManualClock();
    const stalled = service(fixture.openAnother(), clock, { connected: true });
    const retrier = service(fixture.openAnother(), clock, { connected: true });
    const key = freshKey();
    await stalled.idempotency.begin("principal", key, "hash");
    clock.advance(10 * ttlMs);

    const outcome = await outcomeOf(retrier.idempotency.begin("principal", key, "hash"));
    // SQLite cannot see sessions; there a dead process's open transaction is already rolled back.
    expect(outcome).toBe(seesSessions ? "in_flight" : "proceed");
  });

  it("fences a completion or release by an owner whose claim was taken over", async () => {
    const clock = new ManualClock();
    const owner = service(fixture.openAnother(), clock, { connected: false });
    const retrier = service(fixture.openAnother(), clock, { connected: true });
    const key = freshKey();
    const lost = await owner.idempotency.begin("principal", key, "hash");
    clock.advance(ttlMs);
    const won = await retrier.idempotency.begin("principal", key, "hash");
    if (lost.kind !== "proceed" || won.kind !== "proceed") throw new Error("both should have claimed");

    expect(await owner.idempotency.complete("principal", key, lost.claimId, response("late"))).toBe("fenced");
    await owner.idempotency.abandon("principal", key, lost.claimId);
    expect(await outcomeOf(owner.idempotency.begin("principal", key, "hash"))).toBe("in_flight");
    expect(await retrier.idempotency.complete("principal", key, won.claimId, response("new"))).toBe("stored");
    const replay = await owner.idempotency.begin("principal", key, "hash");
    expect(replay).toEqual({ kind: "replay", response: response("new") });
  });

  it("lets exactly one of several retries take over a dead claim", async () => {
    const clock = new ManualClock();
    const owner = service(fixture.openAnother(), clock, { connected: false });
    const key = freshKey();
    await owner.idempotency.begin("principal", key, "hash");
    clock.advance(ttlMs);
    const retriers = [fixture.openAnother(), fixture.openAnother(), fixture.openAnother()].map((storage) =>
      service(storage, clock, { connected: true }),
    );
    const outcomes = await Promise.all(
      retriers.flatMap((retrier) =>
        [1, 2, 3].map(() => outcomeOf(retrier.idempotency.begin("principal", key, "hash"))),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "proceed")).toHaveLength(1);
  });

  it("a retry never runs while the owner might still commit, under random beats and delays (model)", async () => {
    const storages = [fixture.openAnother(), fixture.openAnother()];
    // One clock for every run, moved far ahead at each start: a lease written by an earlier run is long gone.
    const clock = new ManualClock();
    const step = fc.record({ advanceMs: fc.integer({ min: 0, max: 2 * ttlMs }), beat: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (connected, steps) => {
          clock.advance(60 * 60 * 1000);
          const owner = service(storages[0]!, clock, { connected });
          const retrier = service(storages[1]!, clock, { connected: true });
          const key = freshKey();
          const claim = await owner.idempotency.begin("principal", key, "hash");
          let leaseUntilMs = clock.now().getTime() + ttlMs;
          for (const { advanceMs, beat } of steps) {
            clock.advance(advanceMs);
            if (beat) {
              await owner.beat();
              leaseUntilMs = clock.now().getTime() + ttlMs;
            }
            const ownerMayCommit = clock.now().getTime() < leaseUntilMs || (connected && seesSessions);
            const outcome = await outcomeOf(retrier.idempotency.begin("principal", key, "hash"));
            expect(outcome).toBe(ownerMayCommit ? "in_flight" : "proceed");
            if (outcome === "proceed") {
              if (claim.kind !== "proceed") throw new Error("the owner should have claimed");
              expect(await owner.idempotency.complete("principal", key, claim.claimId, response("x"))).toBe(
                "fenced",
              );
              return;
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("deletes its lease on a clean shutdown with nothing in flight, and purges long-dead leases", async () => {
    const clock = new ManualClock();
    const storage = fixture.openAnother();
    const instance = service(storage, clock, { connected: true });
    const key = freshKey();
    const claim = await instance.idempotency.begin("principal", key, "hash");
    if (claim.kind !== "proceed") throw new Error("should have claimed");
    await instance.idempotency.complete("principal", key, claim.claimId, response("done"));
    const leaseOf = () =>
      storage.read((stores) => stores.idempotency.findLease(instance.idempotency.lease.instanceId));
    expect(await leaseOf()).not.toBeNull();
    await instance.idempotency.close();
    expect(await leaseOf()).toBeNull();

    const crashed = service(storage, clock, { connected: false });
    await crashed.idempotency.begin("principal", freshKey(), "hash");
    clock.advance(2 * 60 * 60 * 1000);
    await instance.idempotency.purgeExpired();
    const gone = await storage.read((stores) =>
      stores.idempotency.findLease(crashed.idempotency.lease.instanceId),
    );
    expect(gone).toBeNull();
  });
});
