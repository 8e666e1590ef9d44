export { Catalog, defaultCreditPriority } from "./catalog.js";
export type { CatalogMapping, CatalogStore } from "./catalog-store.js";
export { type CatalogAction, type CatalogStores, CatalogSync, planCatalog } from "./catalog-sync.js";
export type * from "./catalog-types.js";
