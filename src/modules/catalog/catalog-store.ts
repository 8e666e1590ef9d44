export interface CatalogMapping {
  provider: string;
  catalogKey: string;
  providerProductId: string;
}

/** Where each catalog entry lives at each provider, as recorded by the last push. */
export interface CatalogStore {
  findMapping(provider: string, catalogKey: string): Promise<CatalogMapping | null>;
  saveMapping(mapping: CatalogMapping, pushedAtMs: number): Promise<void>;
  listMappings(provider: string): Promise<CatalogMapping[]>;
}
