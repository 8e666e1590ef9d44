import Stripe from "stripe";
import {
  commonFixtureActions,
  DAY_SECONDS,
  FIXTURE_EMULATOR_DEFAULTS,
  useCheckedFixture,
} from "../../shared/testing/fixture-support.js";
import { WebhookReceiver } from "../../shared/testing/webhook-receiver.js";
import {
  type RunningStripeEmulator,
  type StartStripeEmulatorOptions,
  startStripeEmulator,
} from "../stripe-emulator-server.js";
import type { StripeWebhookEndpointHandle } from "../webhook-endpoint-helper.js";

export { DAY_SECONDS };

/** An emulator, an SDK client pointed at it, a local webhook receiver and an endpoint for it. */
export interface StripeFixture {
  emulator: RunningStripeEmulator;
  stripe: Stripe;
  receiver: WebhookReceiver;
  endpoint: StripeWebhookEndpointHandle;
  /** Calls an `/_emulator` path with JSON. */
  control(method: string, path: string, body?: unknown): Promise<Response>;
  /** Pays a checkout session through the test pay endpoint. */
  pay(sessionId: string, card: string, extra?: Record<string, unknown>): Promise<Response>;
  advanceDays(days: number): Promise<void>;
  /** Waits for deliveries, then runs `stripe.webhooks.constructEvent` on every received body; returns failures. */
  verifyReceived(): Promise<string[]>;
  /** Waits for deliveries, then returns the event types received since `mark`. */
  typesSince(mark: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Stripe SDK options for the emulator; retries off so a failing test fails fast. */
export function sdkFor(
  emulator: RunningStripeEmulator,
  options: { maxNetworkRetries?: number } = {},
): Stripe {
  return new Stripe(emulator.secretKey, {
    host: emulator.host,
    port: emulator.port,
    protocol: emulator.protocol,
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
  });
}

export async function startStripeFixture(
  options: StartStripeEmulatorOptions & { events?: readonly string[] } = {},
): Promise<StripeFixture> {
  const emulator = await startStripeEmulator({ ...FIXTURE_EMULATOR_DEFAULTS, ...options });
  const receiver = await new WebhookReceiver().start();
  const endpoint = emulator.webhooks.createEndpoint(receiver.url, { events: options.events });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${emulator.url}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    emulator,
    stripe: sdkFor(emulator),
    receiver,
    endpoint,
    control,
    pay: (sessionId, card, extra = {}) =>
      control("POST", `/_emulator/checkout/sessions/${sessionId}/pay`, { card, ...extra }),
    ...commonFixtureActions(emulator, receiver, control),
    async verifyReceived() {
      await emulator.webhooks.idle();
      const verifier = sdkFor(emulator);
      const problems: string[] = [];
      for (const webhook of receiver.received) {
        try {
          verifier.webhooks.constructEvent(
            webhook.body,
            webhook.headers["stripe-signature"] ?? "",
            endpoint.secret,
          );
        } catch (error) {
          problems.push(`${webhook.type}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (receiver.received.length === 0) problems.push("no webhook was received");
      return problems;
    },
  };
}

/** A fresh fixture per test; after each, every received webhook must pass `constructEvent`. */
export function useCheckedStripeFixture(
  options: Parameters<typeof startStripeFixture>[0],
  assign: (fixture: StripeFixture) => void,
): (options: Parameters<typeof startStripeFixture>[0]) => Promise<StripeFixture> {
  return useCheckedFixture(
    startStripeFixture,
    options,
    async (fixture) => [await fixture.verifyReceived()],
    assign,
  );
}
