export type DeliveryStatus = "received" | "processed" | "ignored" | "failed";

export interface WebhookDelivery {
  id: string;
  provider: string;
  deliveryId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  receivedAtMs: number;
  nextAttemptAtMs: number;
  processedAtMs: number | null;
}
