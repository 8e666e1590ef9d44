import type { EmulatorClock } from "./emulator-clock.js";
import type { FaultInjector } from "./emulator-faults.js";
import type { SeededRandom } from "./seeded-random.js";

/** What both webhook dispatchers are configured with, besides their store. */
export interface DispatcherSettings {
  /** Signs with wall-clock time so receivers' tolerance windows hold after the test clock moved. */
  signingClock: EmulatorClock;
  random: SeededRandom;
  faults: FaultInjector;
  /** Divides retry waits so tests do not sleep for minutes (1 = the provider's real pace). */
  speedFactor: number;
  timeoutMs: number;
  fetch: typeof fetch;
  onChange?: () => void;
}

/** One POST to a receiver; `status` is null when no response came back at all. */
export interface WebhookPostResult {
  succeeded: boolean;
  status: number | null;
  /** The response body (cut to `responseTextMax`), or the network error's message. */
  text: string;
}

export interface WebhookPost {
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborted when the emulator closes, so a dead receiver cannot hold the process for the timeout. */
  shutdown: AbortSignal;
  responseTextMax: number;
}

/** Posts a signed webhook; a 2xx succeeds, anything else (a redirect included) fails. */
export async function postWebhook(post: WebhookPost): Promise<WebhookPostResult> {
  try {
    const response = await post.fetch(post.url, {
      method: "POST",
      headers: post.headers,
      body: post.body,
      // Neither provider follows redirects: a 3xx is a failed delivery.
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(post.timeoutMs), post.shutdown]),
    });
    const text = (await response.text().catch(() => "")).slice(0, post.responseTextMax);
    const succeeded = response.status >= 200 && response.status < 300;
    return { succeeded, status: response.status, text };
  } catch (error) {
    return { succeeded: false, status: null, text: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One delivery attempt under the webhook fault knobs: maybe delayed, maybe dropped (reported as
 * `dropped`, which counts as delivered), maybe sent twice after a success. The draws happen in this
 * order in both emulators, so a seed replays the same faults.
 */
export async function attemptWithFaults<Outcome extends { succeeded: boolean }>(
  faults: FaultInjector,
  wait: (ms: number) => Promise<void>,
  send: () => Promise<Outcome>,
  dropped: Outcome,
): Promise<Outcome> {
  if (faults.roll("webhookDelay")) await wait(faults.settings.webhookDelayMs);
  if (faults.roll("webhookDrop")) return dropped;
  const outcome = await send();
  if (outcome.succeeded && faults.roll("webhookDuplicate")) await send();
  return outcome;
}

/** Timers a dispatcher can cancel all at once on close. */
export class CancellableTimers {
  private readonly pending = new Map<ReturnType<typeof setTimeout>, () => void>();

  /** Runs `action` after `ms`; `onCancel` runs instead if `cancelAll` comes first. */
  later(ms: number, action: () => void, onCancel: () => void = () => {}): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      action();
    }, ms);
    this.pending.set(timer, onCancel);
  }

  /** Resolves after `ms`, or at once on `cancelAll`, so a closing emulator never waits out a back-off. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve, resolve));
  }

  cancelAll(): void {
    const cancelled = [...this.pending];
    this.pending.clear();
    for (const [timer, onCancel] of cancelled) {
      clearTimeout(timer);
      onCancel();
    }
  }
}
