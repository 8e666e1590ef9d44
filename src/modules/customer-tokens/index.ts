export {
  type CustomerTokenClaims,
  type CustomerTokenStores,
  CustomerTokens,
  customerTokenLimits,
} from "./customer-token-service.js";
export type { SecretStore } from "./customer-token-store.js";
