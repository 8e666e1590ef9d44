import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GroupCommit, type GroupCommitOptions, type Outcome } from "./group-commit.js";
import type { StoreAccess, UnitOfWork } from "./store-access.js";

/**
 * GroupCommit against a fake database: a transaction collects writes and commits them all or none;
 * a savepoint undoes the writes made inside it; a `LockConflict` is retried as a whole transaction,
 * as the real transaction helper does. Nothing here touches a real database.
 */

class LockConflict extends Error {}

class OperationFailed extends Error {
  constructor(readonly operationId: string) {
    super(`operation ${operationId} failed`);
  }
}

interface Operation {
  id: string;
  /** Throws its own error after writing (so the write must be undone). */
  fails?: boolean;
  /** Throws a lock conflict the first time it is applied. */
  conflictsOnce?: boolean;
  /** With `applyMany`: left to be applied alone afterwards. */
  leftAlone?: boolean;
  /** With `applyMany`: makes the whole `applyMany` throw, after it wrote. */
  breaksApplyMany?: boolean;
}

interface Stores {
  /** What this transaction will commit. */
  writes: string[];
  /** Every operation this transaction attempt applied, in order (rolled back or not). */
  applied: string[];
  /** Whether `applyMany` ran in this attempt. */
  many: boolean;
  /** The batch, in the order GroupCommit presented it (to `applyMany`, or one `apply` at a time). */
  batch: string[];
}

interface Attempt {
  applied: string[];
  many: boolean;
  batch: string[];
  committed: boolean;
}

class FakeDatabase implements StoreAccess<Stores> {
  readonly committed: string[] = [];
  readonly attempts: Attempt[] = [];
  /** Makes a commit fail for good (e.g. the connection dropped). */
  failCommit: ((stores: Stores) => Error | null) | null = null;
  readonly conflicted = new Set<string>();

  async transaction<T>(work: (stores: Stores, unit: UnitOfWork) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const stores: Stores = { writes: [], applied: [], many: false, batch: [] };
      try {
        const value = await work(stores, this.#unitOf(stores));
        // A transaction takes time: callers arriving meanwhile queue up behind it.
        await nextMacrotask();
        const failure = this.failCommit?.(stores);
        if (failure) throw failure;
        this.committed.push(...stores.writes);
        this.attempts.push({ ...stores, committed: true });
        return value;
      } catch (error) {
        this.attempts.push({ ...stores, committed: false });
        // Each operation here conflicts at most once, so a retry always makes progress.
        if (error instanceof LockConflict && attempt < 100) continue;
        throw error;
      }
    }
  }

  read<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return work({ writes: [], applied: [], many: false, batch: [] });
  }

  /** The operations of each committed transaction, in the order they were applied. */
  get committedBatches(): string[][] {
    return this.attempts.filter((attempt) => attempt.committed).map((attempt) => attempt.applied);
  }

  #unitOf(stores: Stores): UnitOfWork {
    return {
      savepoint: async (work) => {
        const mark = stores.writes.length;
        try {
          return await work();
        } catch (error) {
          stores.writes.length = mark;
          throw error;
        }
      },
      isTransientConflict: (error) => error instanceof LockConflict,
    };
  }

  apply = async (stores: Stores, operation: Operation): Promise<string> => {
    stores.applied.push(operation.id);
    if (!stores.many) stores.batch.push(operation.id);
    stores.writes.push(operation.id);
    await Promise.resolve();
    if (operation.conflictsOnce && !this.conflicted.has(operation.id)) {
      this.conflicted.add(operation.id);
      throw new LockConflict("could not serialize access");
    }
    if (operation.fails) throw new OperationFailed(operation.id);
    return `done ${operation.id}`;
  };

  applyMany = async (
    stores: Stores,
    operations: Operation[],
  ): Promise<Array<Outcome<string> | undefined>> => {
    stores.many = true;
    stores.batch = operations.map((operation) => operation.id);
    const outcomes: Array<Outcome<string> | undefined> = [];
    for (const operation of operations) {
      if (operation.breaksApplyMany) {
        stores.writes.push(`${operation.id} (half done)`);
        throw new Error("applyMany broke");
      }
      if (operation.leftAlone) {
        outcomes.push(undefined);
        continue;
      }
      stores.applied.push(operation.id);
      if (operation.fails) {
        outcomes.push({ ok: false, error: new OperationFailed(operation.id) });
        continue;
      }
      stores.writes.push(operation.id);
      outcomes.push({ ok: true, value: `done ${operation.id}` });
    }
    return outcomes;
  };
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type Settled = { ok: true; value: string } | { ok: false; error: unknown };
const settle = (promise: Promise<string>): Promise<Settled> =>
  promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );

function groupCommit(
  database: FakeDatabase,
  options: Partial<GroupCommitOptions<Stores, Operation, string>> & { many?: boolean } = {},
) {
  const { many, ...rest } = options;
  return new GroupCommit<Stores, Operation, string>(database, database.apply, {
    batchMax: 50,
    ...(many ? { applyMany: database.applyMany } : {}),
    ...rest,
  });
}

const operations = (...ids: string[]): Operation[] => ids.map((id) => ({ id }));

/** Submits `first`, whose transaction opens at once, then `rest` while it runs; waits for every answer. */
function submitBehindOne(
  commits: GroupCommit<Stores, Operation, string>,
  first: Operation,
  rest: Operation[],
) {
  return Promise.all(
    [commits.submit(first), ...rest.map((operation) => commits.submit(operation))].map(settle),
  );
}

describe("GroupCommit: who shares a transaction", () => {
  it.each<{ rule: string; batchMax: number; first: string; whileRunning: string[]; batches: string[][] }>([
    { rule: "a lone caller commits alone", batchMax: 50, first: "a", whileRunning: [], batches: [["a"]] },
    {
      rule: "callers arriving while a transaction runs share the next one",
      batchMax: 50,
      first: "a",
      whileRunning: ["b", "c", "d", "e"],
      batches: [["a"], ["b", "c", "d", "e"]],
    },
    {
      rule: "a batch holds at most batchMax, first come first served",
      batchMax: 2,
      first: "a",
      whileRunning: ["b", "c", "d", "e", "f"],
      batches: [["a"], ["b", "c"], ["d", "e"], ["f"]],
    },
    {
      rule: "batchMax 1: every operation alone, in arrival order",
      batchMax: 1,
      first: "a",
      whileRunning: ["b", "c"],
      batches: [["a"], ["b"], ["c"]],
    },
  ])("$rule", async ({ batchMax, first, whileRunning, batches }) => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { batchMax });
    const results = await submitBehindOne(commits, { id: first }, operations(...whileRunning));
    expect(database.committedBatches).toEqual(batches);
    expect(results).toEqual([first, ...whileRunning].map((id) => ({ ok: true, value: `done ${id}` })));
  });

  it("a lone caller starts at once: its transaction opens before submit returns (no timer)", () => {
    const database = new FakeDatabase();
    let opened = 0;
    const counting: StoreAccess<Stores> = {
      transaction: (work) => {
        opened += 1;
        return database.transaction(work);
      },
      read: (work) => database.read(work),
    };
    const commits = new GroupCommit<Stores, Operation, string>(counting, database.apply, { batchMax: 50 });
    const done = commits.submit({ id: "a" });
    expect(opened).toBe(1);
    return expect(done).resolves.toBe("done a");
  });

  it("callers answered together who submit again at once share the next transaction", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database);
    const first = commits.submit({ id: "a" });
    const again = ["b", "c", "d"].map((id) =>
      commits.submit({ id }).then(() => commits.submit({ id: `${id}2` })),
    );
    await Promise.all([first, ...again]);
    expect(database.committedBatches).toEqual([["a"], ["b", "c", "d"], ["b2", "c2", "d2"]]);
  });

  it("order sorts each batch, so concurrent batches lock rows in one order; each answer still reaches its caller", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { order: (x, y) => x.id.localeCompare(y.id) });
    const results = await submitBehindOne(commits, { id: "m" }, operations("d", "b", "a", "c"));
    expect(database.committedBatches).toEqual([["m"], ["a", "b", "c", "d"]]);
    expect(results.map((result) => (result.ok ? result.value : null))).toEqual([
      "done m",
      "done d",
      "done b",
      "done a",
      "done c",
    ]);
  });
});

describe("GroupCommit: a failure stays with its caller", () => {
  it("a failing operation is undone alone; the rest of its batch commits in the same transaction", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database);
    const results = await submitBehindOne(commits, { id: "a" }, [
      { id: "b" },
      { id: "c", fails: true },
      { id: "d" },
    ]);
    expect(database.committedBatches).toEqual([["a"], ["b", "c", "d"]]);
    expect(database.committed).toEqual(["a", "b", "d"]);
    expect(results.map((result) => result.ok)).toEqual([true, true, false, true]);
  });

  it("each caller gets its own error", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database);
    const results = await submitBehindOne(commits, { id: "a" }, [
      { id: "b", fails: true },
      { id: "c" },
      { id: "d", fails: true },
    ]);
    const errors = results.map((result) =>
      result.ok ? null : (result.error as OperationFailed).operationId,
    );
    expect(errors).toEqual([null, "b", null, "d"]);
  });

  it("a lone failing caller: its transaction rolls back, nothing is written", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database);
    await expect(commits.submit({ id: "a", fails: true })).rejects.toBeInstanceOf(OperationFailed);
    expect(database.committed).toEqual([]);
    await expect(commits.submit({ id: "b" })).resolves.toBe("done b");
  });

  it("a lock conflict is the whole transaction's to retry: nobody sees it, each write commits once", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database);
    const results = await submitBehindOne(commits, { id: "a", conflictsOnce: true }, [
      { id: "b" },
      { id: "c", conflictsOnce: true },
      { id: "d" },
    ]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(database.committed).toEqual(["a", "b", "c", "d"]);
    expect(database.attempts.map((attempt) => attempt.committed)).toEqual([false, true, false, true]);
  });

  it("a transaction that cannot commit fails every caller in it with that error, and the next batch still runs", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { batchMax: 2 });
    const lost = new Error("connection lost at commit");
    database.failCommit = (stores) => (stores.applied.includes("b") ? lost : null);
    const results = await submitBehindOne(commits, { id: "a" }, operations("b", "c", "d"));
    expect(results.map((result) => (result.ok ? "ok" : result.error))).toEqual(["ok", lost, lost, "ok"]);
    expect(database.committed).toEqual(["a", "d"]);
  });
});

describe("GroupCommit with applyMany: a batch in a few statements", () => {
  it("a batch goes through applyMany in one transaction; a lone caller never does", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { many: true });
    const results = await submitBehindOne(commits, { id: "a" }, operations("b", "c"));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(database.attempts.map((attempt) => attempt.many)).toEqual([false, true]);
    expect(database.committed).toEqual(["a", "b", "c"]);
  });

  it("an input applyMany leaves undefined is applied alone, in its savepoint, in the same transaction", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { many: true });
    const results = await submitBehindOne(commits, { id: "a" }, [
      { id: "b" },
      { id: "c", leftAlone: true },
      { id: "d", leftAlone: true, fails: true },
      { id: "e" },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, false, true]);
    expect(database.committedBatches).toEqual([["a"], ["b", "e", "c", "d"]]);
    expect(database.committed).toEqual(["a", "b", "e", "c"]);
  });

  it("an outcome applyMany reports as failed reaches its caller, and nothing of it is written", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { many: true });
    const results = await submitBehindOne(commits, { id: "a" }, [{ id: "b", fails: true }, { id: "c" }]);
    expect(
      results.map((result) => (result.ok ? "ok" : (result.error as OperationFailed).operationId)),
    ).toEqual(["ok", "b", "ok"]);
    expect(database.committed).toEqual(["a", "c"]);
  });

  it("if applyMany throws, nothing of it is kept and the batch is applied again one savepoint each", async () => {
    const database = new FakeDatabase();
    const commits = groupCommit(database, { many: true });
    const results = await submitBehindOne(commits, { id: "a" }, [
      { id: "b" },
      { id: "c", breaksApplyMany: true },
      { id: "d", fails: true },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, false]);
    expect(database.attempts.map(({ many, committed }) => ({ many, committed }))).toEqual([
      { many: false, committed: true },
      { many: true, committed: false },
      { many: false, committed: true },
    ]);
    expect(database.committed).toEqual(["a", "b", "c"]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The model: whatever arrives when, in whatever batches, every caller is answered exactly once, with
// its own outcome; exactly the operations that succeed are written, once each; no batch is larger than
// batchMax; batches are first come first served; and with `order`, each batch is applied sorted.

const operationArbitrary = fc.record({
  fails: fc.boolean(),
  conflictsOnce: fc.boolean(),
  leftAlone: fc.boolean(),
  breaksApplyMany: fc.constantFrom(false, false, false, false, true),
});
const scenarioArbitrary = fc.record({
  batchMax: fc.integer({ min: 1, max: 6 }),
  sorted: fc.boolean(),
  many: fc.boolean(),
  // Waves of submissions, each after a few turns of the event loop.
  waves: fc.array(
    fc.record({ pause: fc.nat(2), operations: fc.array(operationArbitrary, { minLength: 1, maxLength: 6 }) }),
    { minLength: 1, maxLength: 5 },
  ),
});

describe("GroupCommit: against the model", () => {
  it("every caller is answered once with its own outcome; exactly the successes are written, once", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async ({ batchMax, sorted, many, waves }) => {
        const database = new FakeDatabase();
        // Sort by a key that differs from arrival order.
        const rank = (operation: Operation) => Number(operation.id.split("-")[1]) % 3;
        const commits = groupCommit(database, {
          batchMax,
          many,
          ...(sorted ? { order: (x: Operation, y: Operation) => rank(x) - rank(y) } : {}),
        });
        const submitted: Operation[] = [];
        const answers: Array<Promise<Settled>> = [];
        for (const [waveIndex, wave] of waves.entries()) {
          for (let turn = 0; turn < wave.pause; turn += 1) await nextMacrotask();
          for (const [index, fields] of wave.operations.entries()) {
            const operation: Operation = { id: `op-${submitted.length}-w${waveIndex}i${index}`, ...fields };
            submitted.push(operation);
            answers.push(settle(commits.submit(operation)));
          }
        }
        const results = await Promise.all(answers);

        // Each caller: its own answer, or its own error.
        for (const [index, operation] of submitted.entries()) {
          const result = results[index]!;
          if (operation.fails) {
            expect(result.ok).toBe(false);
            if (!result.ok) expect((result.error as OperationFailed).operationId).toBe(operation.id);
          } else {
            expect(result).toEqual({ ok: true, value: `done ${operation.id}` });
          }
        }
        // Exactly the successes, once each.
        const expected = submitted.filter((operation) => !operation.fails).map((operation) => operation.id);
        expect([...database.committed].sort()).toEqual([...expected].sort());
        expect(database.committed.every((write) => !write.includes("half done"))).toBe(true);

        const batches = database.attempts
          .filter((attempt) => attempt.committed)
          .map((attempt) => attempt.batch);
        for (const batch of batches) {
          expect(batch.length).toBeLessThanOrEqual(batchMax);
          if (sorted) {
            const ranks = batch.map((id) => rank({ id }));
            expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
          }
        }
        // First come, first served: the batches, each read as a set, follow arrival order.
        const arrival = (id: string) => Number(id.split("-")[1]);
        for (let index = 1; index < batches.length; index += 1) {
          const previousLatest = Math.max(...batches[index - 1]!.map(arrival));
          const earliest = Math.min(...batches[index]!.map(arrival));
          expect(earliest).toBeGreaterThan(previousLatest);
        }
      }),
      { numRuns: 200 },
    );
  });
});
