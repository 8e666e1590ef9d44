import type { Polar } from "@polar-sh/sdk";
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
import { WebhookReceiver } from "./webhook-receiver.js";

/** Test seconds per day, for clock advances. */
export const DAY_SECONDS = 86_400;

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
  const emulator = await startPolarEmulator({
    seed: 7,
    deliverySpeedFactor: 100_000,
    deliveryTimeoutMs: 2_000,
    ...options,
  });
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
    async advanceDays(days) {
      const response = await api("POST", "/_emulator/clock/advance", { seconds: days * DAY_SECONDS });
      if (!response.ok) throw new Error(`clock advance failed: ${response.status}`);
    },
    async typesSince(mark) {
      await emulator.webhooks.idle();
      return receiver.types().slice(mark);
    },
    async conformanceProblems() {
      await settle();
      const validator = sharedOpenApiValidator();
      const recorded = [...exchanges, ...apiExchanges];
      // An empty recording would make the check pass vacuously.
      if (recorded.length === 0)
        return [{ exchange: "-", operationId: null, problem: "nothing was recorded" }];
      return recorded.flatMap((exchange) => validator.validate(exchange) ?? []);
    },
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}
