import pg from "pg";
import {
  ChangeListeners,
  type CustomerChangeBus,
  type CustomerChangeListener,
  customerChangedChannel,
} from "../modules/realtime/index.js";

const reconnectDelayMs = 1_000;

/**
 * Customer-change signals between instances over PostgreSQL's LISTEN/NOTIFY: one dedicated connection
 * listens on `billhook_customer_changed` and also sends the NOTIFYs. While it is down, signals are
 * lost and watchers fall back to their slow poll; it reconnects by itself.
 *
 * @example
 * const bus = new PostgresChangeBus(process.env.DATABASE_URL!);
 * await bus.ready();
 * const billhook = createBillhook({ storage, changeBus: bus });
 */
export class PostgresChangeBus implements CustomerChangeBus {
  readonly transport = "postgres";
  readonly #connectionString: string;
  readonly #listeners = new ChangeListeners();
  #client: pg.Client | null = null;
  #closed = false;
  #ready: Promise<void>;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(connectionString: string) {
    this.#connectionString = connectionString;
    this.#ready = this.#connect();
    // Not connecting is not fatal: watchers still poll. ready() reports it to whoever awaits.
    this.#ready.catch(() => undefined);
  }

  /** Resolves once the LISTEN is in place (signals published after this reach this instance). */
  ready(): Promise<void> {
    return this.#ready;
  }

  publish(customerId: string): void {
    this.#listeners.deliver(customerId);
    this.#client
      ?.query("select pg_notify($1, $2)", [customerChangedChannel, customerId])
      .catch(() => undefined);
  }

  subscribe(listener: CustomerChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString });
    client.on("notification", (message) => {
      // Our own NOTIFYs come back too; the watcher coalesces the duplicate wake-up.
      if (message.channel === customerChangedChannel && message.payload) {
        this.#listeners.deliver(message.payload);
      }
    });
    client.on("error", () => this.#reconnect(client));
    client.on("end", () => this.#reconnect(client));
    await client.connect();
    await client.query(`listen ${customerChangedChannel}`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#client = client;
  }

  #reconnect(failed: pg.Client): void {
    if (this.#closed || this.#reconnectTimer) return;
    if (this.#client === failed) this.#client = null;
    failed.end().catch(() => undefined);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#ready = this.#connect();
      this.#ready.catch(() => this.#reconnect(failed));
    }, reconnectDelayMs);
  }
}
