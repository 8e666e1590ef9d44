export type * from "./billing-provider.js";
export {
  callProvider,
  ProviderEmailTakenError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from "./provider-errors.js";
