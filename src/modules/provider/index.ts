export type * from "./billing-provider.js";
export {
  ProviderEmailTakenError,
  ProviderUnavailableError,
  WebhookSignatureError,
} from "./provider-errors.js";
