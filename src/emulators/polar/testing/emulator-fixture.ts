import type { Polar } from "@polar-sh/sdk";
import {
  commonFixtureActions,
  DAY_SECONDS,
  FIXTURE_EMULATOR_DEFAULTS,
  useCheckedFixture,
} from "../../shared/testing/fixture-support.js";
import { WebhookReceiver } from "../../shared/testing/webhook-receiver.js";
import {
  type RunningPolarEmulator,
  type StartPolarEmulatorOptions,
  startPolarEmulator,
} from "../polar-emulator-server.js";
import { SDK_PARSEABLE_EVENT_TYPES, type WebhookEndpointHandle } from "../webhook-endpoint-helper.js";
import {
  type ConformanceProblem,
  type RecordedExchange,
  sharedOpenApiValidator,
} from "./openapi-response-validator.js";
import { recordingPolarClient } from "./sdk-recorder.js";
import { verifyWebhooks } from "./webhook-verification.js";

export { DAY_SECONDS };

/** An emulator, an SDK client, a local webhook receiver and one endpoint pointing at it. */
export interface EmulatorFixture {
  emulator: RunningPolarEmulator;
  polar: Polar;
  receiver: WebhookReceiver;
  endpoint: WebhookEndpointHandle;
  /** Calls an emulator path with JSON (no token for `/_emulator`, the Bearer token otherwise). */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** Posts the hosted checkout form like a browser would (no redirect following). */
  submitCheckoutForm(checkoutUrl: string, fields: Record<string, string>): Promise<Response>;
  advanceDays(days: number): Promise<void>;
  /** Waits for deliveries, then returns the event types received since `mark` (an index into received). */
  typesSince(mark: number): Promise<string[]>;
  /** Every recorded `/v1` response (SDK and `api`) checked against Polar's OpenAPI document. */
  conformanceProblems(): Promise<ConformanceProblem[]>;
  close(): Promise<void>;
}

export async function startEmulatorFixture(
  options: StartPolarEmulatorOptions & { events?: readonly string[] } = {},
): Promise<EmulatorFixture> {
  const emulator = await startPolarEmulator({ ...FIXTURE_EMULATOR_DEFAULTS, ...options });
  const receiver = await new WebhookReceiver().start();
  const endpoint = emulator.webhooks.createEndpoint(receiver.url, {
    events: options.events ?? SDK_PARSEABLE_EVENT_TYPES,
  });
  const { polar, exchanges, settle } = recordingPolarClient(emulator.url, emulator.token);
  const apiExchanges: RecordedExchange[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${emulator.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (path.startsWith("/v1/")) {
      const text = await response.clone().text();
      const contentType = response.headers.get("content-type");
      apiExchanges.push({ method, url: response.url, status: response.status, contentType, body: text });
    }
    return response;
  };
  return {
    emulator,
    polar,
    receiver,
    endpoint,
    api,
    submitCheckoutForm: (checkoutUrl, fields) =>
      fetch(checkoutUrl, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" }),
    ...commonFixtureActions(emulator, receiver, api),
    async conformanceProblems() {
      await settle();
      const validator = sharedOpenApiValidator();
      const recorded = [...exchanges, ...apiExchanges];
      // An empty recording would make the check pass vacuously.
      if (recorded.length === 0)
        return [{ exchange: "-", operationId: null, problem: "nothing was recorded" }];
      return recorded.flatMap((exchange) => validator.validate(exchange) ?? []);
    },
  };
}

/**
 * A fresh fixture per test; after each, every received webhook must verify and every recorded
 * response must match Polar's OpenAPI document.
 */
export function useCheckedEmulatorFixture(
  options: Parameters<typeof startEmulatorFixture>[0],
  assign: (fixture: EmulatorFixture) => void,
): (options: Parameters<typeof startEmulatorFixture>[0]) => Promise<EmulatorFixture> {
  return useCheckedFixture(
    startEmulatorFixture,
    options,
    async (fixture) => {
      await fixture.emulator.webhooks.idle();
      const problems = await verifyWebhooks(fixture.receiver.received, fixture.endpoint.secret);
      return [problems, await fixture.conformanceProblems()];
    },
    assign,
  );
}
