import { BillhookError, type Clock, canonicalJson, type StoreAccess } from "../../kernel/index.js";
import type { BillingProvider, ProviderProduct } from "../provider/index.js";
import type { Catalog } from "./catalog.js";
import type { CatalogStore } from "./catalog-store.js";
import type { CatalogEntry } from "./catalog-types.js";

export interface CatalogStores {
  catalog: CatalogStore;
}

export type CatalogAction =
  | { kind: "create"; key: string }
  | { kind: "update"; key: string; providerProductId: string; differences: string[] }
  | { kind: "archive"; key: string; providerProductId: string }
  | { kind: "unchanged"; key: string; providerProductId: string };

/**
 * Catalog as code: compares the config with the provider's products (found by the catalog key in
 * their metadata) and makes the provider match. Retrieve-or-create by key means a second push finds
 * everything in place and changes nothing.
 */
export class CatalogSync {
  readonly #access: StoreAccess<CatalogStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #provider: BillingProvider | null;

  constructor(
    access: StoreAccess<CatalogStores>,
    clock: Clock,
    catalog: Catalog,
    provider: BillingProvider | null,
  ) {
    this.#access = access;
    this.#clock = clock;
    this.#catalog = catalog;
    this.#provider = provider;
  }

  /** The plan alone: what `push` would do (this is `billhook catalog diff`). */
  async diff(): Promise<CatalogAction[]> {
    return planCatalog(this.#catalog.entries, await this.#requireProvider().listCatalogProducts());
  }

  async push(): Promise<CatalogAction[]> {
    const provider = this.#requireProvider();
    const remote = await provider.listCatalogProducts();
    const actions = planCatalog(this.#catalog.entries, remote);
    for (const action of actions) {
      const entry = this.#catalog.find(action.key);
      let providerProductId: string | null = null;
      if (action.kind === "create" && entry)
        providerProductId = (await provider.createProduct(entry)).providerProductId;
      if (action.kind === "update" && entry) {
        providerProductId = (await provider.updateProduct(action.providerProductId, entry)).providerProductId;
      }
      if (action.kind === "unchanged") providerProductId = action.providerProductId;
      if (action.kind === "archive") await provider.archiveProduct(action.providerProductId);
      if (providerProductId) await this.#remember(provider.name, action.key, providerProductId);
    }
    return actions;
  }

  /** The provider's product id for a catalog key; throws if the catalog was never pushed. */
  async providerProductId(catalogKey: string): Promise<string> {
    const provider = this.#requireProvider();
    const mapping = await this.#access.read((stores) =>
      stores.catalog.findMapping(provider.name, catalogKey),
    );
    if (!mapping) {
      throw new BillhookError(
        "CATALOG_NOT_PUSHED",
        `"${catalogKey}" does not exist at ${provider.name} yet; run \`billhook catalog push\` first.`,
        { product: catalogKey },
      );
    }
    return mapping.providerProductId;
  }

  async #remember(provider: string, catalogKey: string, providerProductId: string): Promise<void> {
    const nowMs = this.#clock.now().getTime();
    await this.#access.transaction((stores) =>
      stores.catalog.saveMapping({ provider, catalogKey, providerProductId }, nowMs),
    );
  }

  #requireProvider(): BillingProvider {
    if (!this.#provider)
      throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    return this.#provider;
  }
}

/** Pure: the actions that bring the provider's products in line with the catalog. */
export function planCatalog(entries: readonly CatalogEntry[], remote: ProviderProduct[]): CatalogAction[] {
  const actions: CatalogAction[] = [];
  const byKey = new Map<string, ProviderProduct>();
  // Prefer an active product when the provider holds several for one key (e.g. one archived by hand).
  for (const product of remote) {
    const held = byKey.get(product.catalogKey);
    if (!held || (held.archived && !product.archived)) byKey.set(product.catalogKey, product);
  }
  for (const entry of entries) {
    const product = byKey.get(entry.key);
    if (!product) {
      actions.push({ kind: "create", key: entry.key });
      continue;
    }
    const differences = differencesOf(entry, product);
    actions.push(
      differences.length > 0
        ? { kind: "update", key: entry.key, providerProductId: product.providerProductId, differences }
        : { kind: "unchanged", key: entry.key, providerProductId: product.providerProductId },
    );
  }
  const declared = new Set(entries.map((entry) => entry.key));
  // Every live product of a key no longer declared, not just the one preferred above: two racing
  // pushes can each have created one, and a second push must find nothing left to do.
  for (const product of remote) {
    if (!declared.has(product.catalogKey) && !product.archived) {
      actions.push({
        kind: "archive",
        key: product.catalogKey,
        providerProductId: product.providerProductId,
      });
    }
  }
  return actions;
}

function differencesOf(entry: CatalogEntry, product: ProviderProduct): string[] {
  const differences: string[] = [];
  if (product.archived) differences.push("archived at the provider");
  if (product.name !== entry.name) differences.push(`name "${product.name}" → "${entry.name}"`);
  if ((product.description ?? null) !== entry.description) differences.push("description");
  if (canonicalJson(product.price) !== canonicalJson(entry.price)) differences.push("price");
  if (product.interval !== entry.interval)
    differences.push(`interval ${product.interval} → ${entry.interval}`);
  if ((product.trialDays ?? null) !== entry.trialDays) differences.push("trial");
  return differences;
}
