import type { StoreAccess, UnitOfWork } from "./store-access.js";

export interface GroupCommitOptions<In> {
  /** Most operations in one transaction (PostgreSQL slows down past 64 subtransactions). */
  batchMax: number;
  /** Applies a batch in this order, so concurrent batches lock rows in the same order. */
  order?: (a: In, b: In) => number;
}

type Outcome<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

/**
 * Group commit: operations that arrive while a transaction is running wait for it, then run
 * together in the next one, each in its own savepoint — so one failing (say, a spend that would
 * overdraw) undoes only its own writes, and the rest share one commit. An operation that arrives
 * when nothing is running starts at once: there is no timer, so a lone caller waits for nothing.
 * Each operation keeps its own idempotency: batching changes how commits are shared, not what is
 * written.
 */
export class GroupCommit<Stores, In, Out> {
  readonly #access: StoreAccess<Stores>;
  readonly #apply: (stores: Stores, input: In) => Promise<Out>;
  readonly #options: GroupCommitOptions<In>;
  #queue: Array<{ input: In; resolve: (value: Out) => void; reject: (error: unknown) => void }> = [];
  #running = false;

  constructor(
    access: StoreAccess<Stores>,
    apply: (stores: Stores, input: In) => Promise<Out>,
    options: GroupCommitOptions<In>,
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
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#options.batchMax);
        const order = this.#options.order;
        if (order) batch.sort((a, b) => order(a.input, b.input));
        const outcomes = await this.#run(batch.map((item) => item.input));
        batch.forEach((item, index) => {
          const outcome = outcomes[index]!;
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.error);
        });
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
