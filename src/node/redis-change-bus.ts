import { Redis } from "ioredis";
import { type Logger, silentLogger } from "../kernel/index.js";
import {
  ChangeListeners,
  type CustomerChangeBus,
  type CustomerChangeListener,
  customerChangedChannel,
} from "../modules/realtime/index.js";

const reconnectDelayMs = 1_000;
const quitTimeoutMs = 1_000;

export interface RedisChangeBusOptions {
  /** Where a lost or restored connection and a failed publish are reported. Default: silent. */
  logger?: Logger;
  /** A PUBLISH that takes longer fails (and is dropped): signals are best-effort. */
  commandTimeoutMs?: number;
}

type Role = "publisher" | "subscriber";

/**
 * Customer-change signals between instances over Redis pub/sub (PUBLISH / SUBSCRIBE on
 * `billhook_customer_changed`), with ioredis: one connection publishes, one dedicated connection
 * subscribes (a subscribed connection can send nothing else). Both reconnect by themselves and the
 * subscription is restored on reconnect. While Redis is unreachable signals are dropped, not queued,
 * and watchers fall back to their slow poll; the outage is logged once per connection, not per retry.
 *
 * @example
 * const bus = new RedisChangeBus("redis://127.0.0.1:6379", { logger });
 * await bus.ready();
 */
export class RedisChangeBus implements CustomerChangeBus {
  readonly transport = "redis";
  readonly #listeners = new ChangeListeners();
  readonly #logger: Logger;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #subscribed: Promise<void>;
  /** Connections whose failure has been logged and whose recovery has not. */
  readonly #down = new Set<Role>();
  #closed = false;
  #rejectReady: (error: Error) => void = () => undefined;

  constructor(redisUrl: string, options: RedisChangeBusOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    const common = { retryStrategy: () => reconnectDelayMs, lazyConnect: false };
    this.#publisher = new Redis(redisUrl, {
      ...common,
      commandTimeout: options.commandTimeoutMs ?? 500,
      maxRetriesPerRequest: 1,
      // A signal sent while disconnected would be stale by the time it is delivered: fail it at once.
      enableOfflineQueue: false,
    });
    this.#subscriber = new Redis(redisUrl, {
      ...common,
      // The SUBSCRIBE waits in the queue for as long as Redis is away, then runs on first connect;
      // after that ioredis re-subscribes on every reconnect.
      maxRetriesPerRequest: null,
    });
    this.#watch("publisher", this.#publisher);
    this.#watch("subscriber", this.#subscriber);
    this.#subscriber.on("message", (channel: string, payload: string) => {
      if (channel === customerChangedChannel && payload) this.#listeners.deliver(payload);
    });
    // ioredis leaves a queued command pending when disconnected while reconnecting: close() settles
    // ready() itself.
    const closed = new Promise<never>((_, reject) => {
      this.#rejectReady = reject;
    });
    this.#subscribed = Promise.race([
      this.#subscriber.subscribe(customerChangedChannel).then(() => undefined),
      closed,
    ]);
    // Not subscribing is not fatal: watchers still poll. ready() reports it to whoever awaits.
    this.#subscribed.catch((error: unknown) => {
      if (!this.#closed) this.#report("subscriber", error);
    });
  }

  /**
   * Resolves once the subscription is in place (signals published after this reach this instance).
   * Waits while Redis is unreachable; rejects if the bus is closed first.
   */
  ready(): Promise<void> {
    return this.#subscribed;
  }

  publish(customerId: string): void {
    this.#listeners.deliver(customerId);
    if (this.#closed) return;
    this.#publisher.publish(customerChangedChannel, customerId).then(
      () => this.#recovered("publisher"),
      (error: unknown) => {
        if (!this.#closed) this.#report("publisher", error);
      },
    );
  }

  subscribe(listener: CustomerChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Ends both connections (QUIT when connected) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectReady(new Error("The Redis change bus was closed before subscribing"));
    await Promise.all([end(this.#subscriber), end(this.#publisher)]);
  }

  #watch(role: Role, redis: Redis): void {
    // An 'error' event without a listener would crash the process; each failed retry emits one.
    redis.on("error", (error: unknown) => {
      if (!this.#closed) this.#report(role, error);
    });
    // A dropped connection emits no error, only the reconnect it schedules.
    redis.on("reconnecting", () => {
      if (!this.#closed) this.#report(role, new Error("connection lost"));
    });
    redis.on("ready", () => this.#recovered(role));
  }

  #recovered(role: Role): void {
    if (this.#down.delete(role)) this.#logger.info({ connection: role }, "redis change bus reconnected");
  }

  /** Logs a failure once until the connection is ready again, so an outage is not a log flood. */
  #report(role: Role, error: unknown): void {
    if (this.#down.has(role)) return;
    this.#down.add(role);
    this.#logger.warn(
      { connection: role, error: error instanceof Error ? error.message : String(error) },
      "redis change bus unavailable; realtime watchers fall back to polling",
    );
  }
}

/** QUIT when connected (bounded: a hung server must not hold the process open), else drop the socket. */
async function end(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, quitTimeoutMs);
    });
    await Promise.race([
      redis.quit().then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
    clearTimeout(timer);
  }
  if (redis.status !== "end") redis.disconnect();
}
