export { eventTypePatternIssues, matchesEventType } from "./event-type-patterns.js";
export {
  type DispatcherOptions,
  type DispatcherStores,
  OutboundDispatcher,
  webhookBody,
} from "./outbound-dispatcher.js";
export type { AttemptOutcome, EndpointChange, OutboundStore, OutboundStores } from "./outbound-store.js";
export * from "./outbound-types.js";
export {
  type AddressVetter,
  addressVetter,
  checkUrlShape,
  literalAddressOf,
  refusedAddressReason,
} from "./url-policy.js";
export {
  type EndpointInput,
  type EndpointUpdate,
  type EndpointView,
  WebhookEndpoints,
} from "./webhook-endpoints.js";
export {
  fetchWebhookNetwork,
  type OutboundRequest,
  type OutboundResponse,
  RefusedAddressError,
  truncateUtf8,
  type WebhookNetwork,
} from "./webhook-network.js";
export { newSigningSecret, signedHeaders } from "./webhook-signing.js";
