export { type ApiKeyStores, ApiKeys } from "./api-key-service.js";
export type { ApiKeyStore } from "./api-key-store.js";
export * from "./api-key-types.js";
