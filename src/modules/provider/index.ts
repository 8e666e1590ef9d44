export { scheduleFee } from "./fee-schedule.js";
export {
  callProvider,
  chargeDisputed,
  ProviderEmailTakenError,
  ProviderUnavailableError,
  UnknownProviderCustomerError,
  WebhookSignatureError,
} from "./provider-errors.js";
export type * from "./provider-port.js";
export { sellerMetadata } from "./seller-metadata.js";
