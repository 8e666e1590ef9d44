import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import type { WebhookDeliveryRecord, WebhookEventRecord } from "./polar-records.js";
import { createWebhookEndpoint } from "./webhook-endpoints-routes.js";

/**
 * Event types `validateEvent` of @polar-sh/sdk 0.49 can parse. Polar also sends `subscription.cycled`,
 * `subscription.paused`, `subscription.resumed` and `discount.*`, which make that SDK throw (facts §1.2),
 * so endpoints made by the helper subscribe to these by default; pass `events` to opt in to the rest.
 */
export const SDK_PARSEABLE_EVENT_TYPES = [
  "checkout.created",
  "checkout.updated",
  "checkout.expired",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.state_changed",
  "order.created",
  "order.updated",
  "order.paid",
  "order.refunded",
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.revoked",
  "subscription.past_due",
  "refund.created",
  "refund.updated",
  "product.created",
  "product.updated",
  "benefit.created",
  "benefit.updated",
  "benefit_grant.created",
  "benefit_grant.updated",
  "benefit_grant.cycled",
  "benefit_grant.revoked",
] as const;

export const ALL_EMITTED_EVENT_TYPES = [
  ...SDK_PARSEABLE_EVENT_TYPES,
  "subscription.cycled",
  "subscription.paused",
  "subscription.resumed",
] as const;

export interface WebhookEndpointHandle {
  id: string;
  url: string;
  secret: string;
}

/** Test-side helper over the emulator's webhook endpoints and their delivery log. */
export interface WebhookEndpointHelper {
  createEndpoint(
    url: string,
    options?: { events?: readonly string[]; signatureScheme?: "polar-utf8" | "standard-base64" },
  ): WebhookEndpointHandle;
  events(endpointId?: string): WebhookEventRecord[];
  deliveries(endpointId?: string): WebhookDeliveryRecord[];
  /** Resolves when every queued delivery has finished (succeeded, dropped or failed for good). */
  idle(): Promise<void>;
}

export function webhookEndpointHelper(runtime: PolarEmulatorRuntime): WebhookEndpointHelper {
  return {
    createEndpoint(url, options = {}) {
      const endpoint = createWebhookEndpoint(runtime, {
        url,
        events: [...(options.events ?? SDK_PARSEABLE_EVENT_TYPES)],
        ...(options.signatureScheme ? { signatureScheme: options.signatureScheme } : {}),
      });
      return { id: endpoint.id, url: endpoint.url, secret: endpoint.secret };
    },
    events: (endpointId) =>
      runtime.store.webhookEvents.filter((row) => !endpointId || row.endpoint_id === endpointId),
    deliveries: (endpointId) =>
      runtime.store.webhookDeliveries.filter((row) => !endpointId || row.endpoint_id === endpointId),
    idle: () => runtime.dispatcher.idle(),
  };
}
