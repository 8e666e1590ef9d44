import type { StoreAccess, UnitOfWork } from "./store-access.js";

export type Outcome<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

export interface GroupCommitOptions<Stores, In, Out> {
  /** Most operations in one transaction (PostgreSQL slows down past 64 subtransactions). */
  batchMax: number;
  /** Applies a batch in this order, so concurrent batches lock rows in the same order. */
  order?: (a: In, b: In) => number;
  /**
   * Applies a batch of several operations at once, inside its transaction, in batch order: an
   * outcome for each input, or `undefined` for an input it leaves to be applied alone afterwards (in
   * its own savepoint). It must write nothing for an input it fails. If it throws, the transaction is
   * rolled back and the batch is applied again one operation at a time.
   */
  applyMany?: (stores: Stores, inputs: In[]) => Promise<Array<Outcome<Out> | undefined>>;
}

/**
 * Group commit: operations that arrive while a transaction is running wait for it, then run
 * together in the next one, each in its own savepoint — so one failing (say, a spend that would
 * overdraw) undoes only its own writes, and the rest share one commit. An operation that arrives
 * when nothing is running starts at once: there is no timer, so a lone caller waits for nothing.
 * Each operation keeps its own idempotency: batching changes how commits are shared, not what is
 * written. With `applyMany`, a batch is applied in a few statements instead of one savepoint each.
 */
export class GroupCommit<Stores, In, Out> {
  readonly #access: StoreAccess<Stores>;
  readonly #apply: (stores: Stores, input: In) => Promise<Out>;
  readonly #options: GroupCommitOptions<Stores, In, Out>;
  #queue: Array<{ input: In; resolve: (value: Out) => void; reject: (error: unknown) => void }> = [];
  #running = false;

  constructor(
    access: StoreAccess<Stores>,
    apply: (stores: Stores, input: In) => Promise<Out>,
    options: GroupCommitOptions<Stores, In, Out>,
  ) {
    this.#access = access;
    this.#apply = apply;
    this.#options = options;
  }

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        const batch = this.#queue.splice(0, this.#options.batchMax);
        const order = this.#options.order;
        if (order) batch.sort((a, b) => order(a.input, b.input));
        const outcomes = await this.#run(batch.map((item) => item.input));
        batch.forEach((item, index) => {
          const outcome = outcomes[index]!;
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.error);
        });
        // Callers just answered usually submit again at once: one turn of the event loop lets them
        // join the next batch instead of the first of them starting a transaction alone. A lone
        // caller (a batch of one) never waits for this.
        if (batch.length > 1) await nextTurn();
        if (this.#queue.length === 0) break;
      }
    } finally {
      this.#running = false;
    }
  }

  async #run(inputs: In[]): Promise<Array<Outcome<Out>>> {
    if (inputs.length === 1) {
      // Alone: no savepoint needed, the transaction is the operation.
      try {
        return [
          { ok: true, value: await this.#access.transaction((stores) => this.#apply(stores, inputs[0]!)) },
        ];
      } catch (error) {
        return [{ ok: false, error }];
      }
    }
    const applyMany = this.#options.applyMany;
    if (applyMany) {
      try {
        return await this.#access.transaction(async (stores, unit) => {
          const outcomes = await applyMany(stores, inputs);
          const all: Array<Outcome<Out>> = [];
          for (const [index, input] of inputs.entries()) {
            all.push(outcomes[index] ?? (await this.#attempt(stores, unit, input)));
          }
          return all;
        });
      } catch {
        // Rolled back: nothing of it was written. One savepoint per operation isolates whatever failed.
      }
    }
    try {
      return await this.#access.transaction(async (stores, unit) => {
        const outcomes: Array<Outcome<Out>> = [];
        for (const input of inputs) outcomes.push(await this.#attempt(stores, unit, input));
        return outcomes;
      });
    } catch (error) {
      return inputs.map(() => ({ ok: false, error }));
    }
  }

  async #attempt(stores: Stores, unit: UnitOfWork, input: In): Promise<Outcome<Out>> {
    try {
      return { ok: true, value: await unit.savepoint(() => this.#apply(stores, input)) };
    } catch (error) {
      // A lock conflict is the whole transaction's to retry, not this operation's to report.
      if (unit.isTransientConflict(error)) throw error;
      return { ok: false, error };
    }
  }
}

/** One turn of the event loop (setImmediate where it exists: a timer of 0 waits a millisecond in Node). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
