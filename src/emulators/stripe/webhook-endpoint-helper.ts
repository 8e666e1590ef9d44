import type { EventObject, WebhookDeliveryRecord } from "./billing-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { createWebhookEndpoint } from "./webhook-endpoints-routes.js";

export interface StripeWebhookEndpointHandle {
  id: string;
  url: string;
  /** The `whsec_…` signing secret to give `stripe.webhooks.constructEvent`. */
  secret: string;
}

/** Test-side helper over the emulator's webhook endpoints, events and delivery log. */
export interface StripeWebhookEndpointHelper {
  /** Listens to every event type unless `events` narrows it. */
  /** `connect: true` receives connected accounts' events (`account.updated`, `payout.*`) instead. */
  createEndpoint(
    url: string,
    options?: { events?: readonly string[]; connect?: boolean },
  ): StripeWebhookEndpointHandle;
  events(type?: string): EventObject[];
  deliveries(endpointId?: string): WebhookDeliveryRecord[];
  /** Resolves when every queued delivery has finished (succeeded, dropped or failed for good). */
  idle(): Promise<void>;
}

export function stripeWebhookEndpointHelper(runtime: StripeEmulatorRuntime): StripeWebhookEndpointHelper {
  return {
    createEndpoint(url, options = {}) {
      const endpoint = createWebhookEndpoint(runtime, {
        url,
        enabledEvents: [...(options.events ?? ["*"])],
        connect: options.connect ?? false,
      });
      return { id: endpoint.id, url: endpoint.url, secret: endpoint.secret };
    },
    events: (type) => runtime.store.events.filter((event) => !type || event.type === type),
    deliveries: (endpointId) =>
      runtime.store.deliveries.filter((row) => !endpointId || row.endpoint_id === endpointId),
    idle: () => runtime.dispatcher.idle(),
  };
}
