export { type EventApplier, WebhookInbox, type WebhookStores } from "./webhook-inbox.js";
export type { WebhookStore } from "./webhook-store.js";
export type * from "./webhook-types.js";
