import { dayMs } from "../../kernel/index.js";
/** `active` endpoints receive deliveries; `paused` ones (by failures or by hand) keep them queued. */
export type EndpointStatus = "active" | "paused" | "disabled";

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Exact types (`order.paid`), families (`subscription.*`) or everything (`*`). */
  eventTypes: string[];
  /** The Standard Webhooks signing secret, `whsec_…`; shown once, at creation and rotation. */
  secret: string;
  /** After a rotation, deliveries are signed with both secrets until this expires. */
  previousSecret: string | null;
  previousSecretExpiresAtMs: number | null;
  status: EndpointStatus;
  /** Why the endpoint is paused, e.g. after ten consecutive failed deliveries. */
  pauseReason: string | null;
  consecutiveFailures: number;
  createdAtMs: number;
  updatedAtMs: number;
}

/** `pending` (not yet sent, or a retry is scheduled), `delivered` (the endpoint answered 2xx). */
export type OutboundDeliveryStatus = "pending" | "delivered";

/** One event on its way to one endpoint: the outbox row the worker delivers. */
export interface OutboundDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The event's sequence: deliveries with the same ordering key go out in this order. */
  eventSequence: number;
  /** The customer id: a later event of the same customer waits until earlier ones are delivered. */
  orderingKey: string | null;
  status: OutboundDeliveryStatus;
  attempts: number;
  nextAttemptAtMs: number;
  lastAttemptAtMs: number | null;
  /** The HTTP status of the last attempt; null when no response came (timeout, refused address). */
  lastStatusCode: number | null;
  lastError: string | null;
  /** The start of the last response body, truncated. */
  lastResponseBody: string | null;
  deliveredAtMs: number | null;
  createdAtMs: number;
}

/** Limits of outbound webhooks, named with their units. */
export const outboundLimits = {
  endpointsMax: 50,
  urlLengthMax: 2048,
  descriptionLengthMax: 500,
  eventTypesMax: 50,
  /** One attempt: connect, send and read the answer. */
  attemptTimeoutMs: 10_000,
  /** A delivery is claimed by one worker for this long; longer than an attempt can take. */
  leaseMs: 60_000,
  responseBodyBytesMax: 1024,
  retryDelayMsBase: 5_000,
  retryDelayMsMax: 60 * 60 * 1000,
  /** An endpoint is paused after this many failed attempts in a row (any success resets the count). */
  failuresBeforePause: 10,
  /** After a rotation, the old secret keeps signing (alongside the new one) this long. */
  previousSecretTtlMs: dayMs,
  fanOutBatchSize: 200,
  deliverBatchSize: 50,
  deliverConcurrency: 8,
} as const;
