import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProviderProduct } from "../provider/index.js";
import { type CatalogAction, planCatalog } from "./catalog-sync.js";
import type { CatalogEntry } from "./catalog-types.js";

function entry(key: string, overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    key,
    kind: "plan",
    name: `Plan ${key}`,
    description: null,
    price: { type: "fixed", amountMinor: 900, currency: "USD" },
    interval: "month",
    trialDays: null,
    features: ["reports"],
    ...overrides,
  };
}

/** The provider's product exactly as `entry(key)` describes it. */
function product(key: string, overrides: Partial<ProviderProduct> = {}): ProviderProduct {
  const { name, description, price, interval, trialDays } = entry(key);
  return {
    providerProductId: `prod_${key}`,
    catalogKey: key,
    name,
    description,
    archived: false,
    price,
    interval,
    trialDays,
    ...overrides,
  };
}

const unchanged = (key: string, providerProductId = `prod_${key}`): CatalogAction => ({
  kind: "unchanged",
  key,
  providerProductId,
});
const update = (key: string, differences: string[], providerProductId = `prod_${key}`): CatalogAction => ({
  kind: "update",
  key,
  providerProductId,
  differences,
});

describe("planCatalog: what a push would do", () => {
  it.each<{ rule: string; entries: CatalogEntry[]; remote: ProviderProduct[]; plan: CatalogAction[] }>([
    { rule: "an empty catalog at an empty provider: nothing", entries: [], remote: [], plan: [] },
    {
      rule: "a key the provider does not hold is created",
      entries: [entry("pro")],
      remote: [],
      plan: [{ kind: "create", key: "pro" }],
    },
    {
      rule: "a product that matches is left unchanged",
      entries: [entry("pro")],
      remote: [product("pro")],
      plan: [unchanged("pro")],
    },
    {
      rule: "a renamed entry updates the name",
      entries: [entry("pro", { name: "Pro" })],
      remote: [product("pro", { name: "Old" })],
      plan: [update("pro", ['name "Old" → "Pro"'])],
    },
    {
      rule: "a new description updates it",
      entries: [entry("pro", { description: "For teams" })],
      remote: [product("pro")],
      plan: [update("pro", ["description"])],
    },
    {
      rule: "a removed description updates it",
      entries: [entry("pro")],
      remote: [product("pro", { description: "For teams" })],
      plan: [update("pro", ["description"])],
    },
    {
      rule: "a new amount updates the price",
      entries: [entry("pro", { price: { type: "fixed", amountMinor: 1_900, currency: "USD" } })],
      remote: [product("pro")],
      plan: [update("pro", ["price"])],
    },
    {
      rule: "a new currency updates the price",
      entries: [entry("pro", { price: { type: "fixed", amountMinor: 900, currency: "EUR" } })],
      remote: [product("pro")],
      plan: [update("pro", ["price"])],
    },
    {
      rule: "a product whose price the provider cannot express updates the price",
      entries: [entry("pro")],
      remote: [product("pro", { price: null })],
      plan: [update("pro", ["price"])],
    },
    {
      rule: "a price with its fields in another order is the same price",
      entries: [entry("pro")],
      remote: [product("pro", { price: { currency: "USD", amountMinor: 900, type: "fixed" } })],
      plan: [unchanged("pro")],
    },
    {
      rule: "a new interval updates it",
      entries: [entry("pro", { interval: "year" })],
      remote: [product("pro")],
      plan: [update("pro", ["interval month → year"])],
    },
    {
      rule: "a new trial updates it",
      entries: [entry("pro", { trialDays: 14 })],
      remote: [product("pro")],
      plan: [update("pro", ["trial"])],
    },
    {
      rule: "features are Billhook's alone: a change of features changes nothing at the provider",
      entries: [entry("pro", { features: ["reports", "exports"] })],
      remote: [product("pro")],
      plan: [unchanged("pro")],
    },
    {
      rule: "a declared product archived at the provider is brought back",
      entries: [entry("pro")],
      remote: [product("pro", { archived: true })],
      plan: [update("pro", ["archived at the provider"])],
    },
    {
      rule: "every difference is named, in a fixed order",
      entries: [
        entry("pro", {
          name: "Pro",
          description: "For teams",
          price: { type: "fixed", amountMinor: 1_900, currency: "USD" },
          interval: "year",
          trialDays: 14,
        }),
      ],
      remote: [product("pro", { archived: true })],
      plan: [
        update("pro", [
          "archived at the provider",
          'name "Plan pro" → "Pro"',
          "description",
          "price",
          "interval month → year",
          "trial",
        ]),
      ],
    },
    {
      rule: "a product no longer declared is archived",
      entries: [],
      remote: [product("legacy")],
      plan: [{ kind: "archive", key: "legacy", providerProductId: "prod_legacy" }],
    },
    {
      rule: "a product no longer declared and already archived: nothing",
      entries: [],
      remote: [product("legacy", { archived: true })],
      plan: [],
    },
    {
      rule: "of two products for one key, the active one counts (one archived by hand comes first)",
      entries: [entry("pro")],
      remote: [product("pro", { providerProductId: "prod_old", archived: true }), product("pro")],
      plan: [unchanged("pro")],
    },
    {
      rule: "of two products for one key, the active one counts (one archived by hand comes second)",
      entries: [entry("pro")],
      remote: [product("pro"), product("pro", { providerProductId: "prod_old", archived: true })],
      plan: [unchanged("pro")],
    },
    {
      rule: "of two archived products for one key, the first is brought back",
      entries: [entry("pro")],
      remote: [
        product("pro", { providerProductId: "prod_a", archived: true }),
        product("pro", { providerProductId: "prod_b", archived: true }),
      ],
      plan: [update("pro", ["archived at the provider"], "prod_a")],
    },
    {
      rule: "declared entries in declaration order, then archives in the provider's order",
      entries: [entry("b"), entry("a"), entry("c")],
      remote: [product("z"), product("a"), product("y"), product("c", { name: "C" })],
      plan: [
        { kind: "create", key: "b" },
        unchanged("a"),
        update("c", ['name "C" → "Plan c"']),
        { kind: "archive", key: "z", providerProductId: "prod_z" },
        { kind: "archive", key: "y", providerProductId: "prod_y" },
      ],
    },
  ])("$rule", ({ entries, remote, plan }) => {
    expect(planCatalog(entries, remote)).toEqual(plan);
  });

  it("a tip's pay-what-you-want price is compared whole", () => {
    const tip = entry("tip", {
      kind: "tip",
      interval: null,
      price: { type: "custom", currency: "USD", minimumMinor: 100, maximumMinor: null, presetMinor: 500 },
    });
    const held = { ...product("tip"), interval: null, price: tip.price };
    expect(planCatalog([tip], [held])).toEqual([unchanged("tip")]);
    expect(
      planCatalog(
        [tip],
        [{ ...held, price: { ...tip.price, presetMinor: 300 } as ProviderProduct["price"] }],
      ),
    ).toEqual([update("tip", ["price"])]);
  });

  // Two live products for a key no longer declared (e.g. two racing pushes both created one): both
  // are archived, so a second push changes nothing, as `CatalogSync` promises.
  it("a second push changes nothing, even when the provider holds two live products for a removed key", () => {
    const remote = [
      product("legacy", { providerProductId: "prod_a" }),
      product("legacy", { providerProductId: "prod_b" }),
    ];
    const afterPush = push([], remote);
    expect(planCatalog([], afterPush)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties, against a model of the provider that does what each action says.

/** The provider's products after `planCatalog`'s actions are carried out, as `CatalogSync.push` does. */
function push(entries: CatalogEntry[], remote: ProviderProduct[]): ProviderProduct[] {
  const products = remote.map((held) => ({ ...held }));
  const described = (declared: CatalogEntry, providerProductId: string): ProviderProduct => ({
    providerProductId,
    catalogKey: declared.key,
    name: declared.name,
    description: declared.description,
    archived: false,
    price: declared.price,
    interval: declared.interval,
    trialDays: declared.trialDays,
  });
  for (const action of planCatalog(entries, remote)) {
    const declared = entries.find((candidate) => candidate.key === action.key);
    if (action.kind === "create" && declared) products.push(described(declared, `prod_new_${action.key}`));
    if (action.kind === "update" && declared) {
      const index = products.findIndex((held) => held.providerProductId === action.providerProductId);
      products[index] = described(declared, action.providerProductId);
    }
    if (action.kind === "archive") {
      for (const held of products)
        if (held.providerProductId === action.providerProductId) held.archived = true;
    }
  }
  return products;
}

const keys = ["basic", "pro", "team", "legacy"];
const entryArbitrary = fc.record({
  key: fc.constantFrom(...keys),
  name: fc.constantFrom("Basic", "Pro", "Team"),
  description: fc.constantFrom(null, "For teams"),
  amountMinor: fc.constantFrom(900, 1_900),
  interval: fc.constantFrom("month" as const, "year" as const),
  trialDays: fc.constantFrom(null, 14),
});
const entriesArbitrary = fc
  .uniqueArray(entryArbitrary, { selector: (declared) => declared.key, maxLength: keys.length })
  .map((declared) =>
    declared.map(({ key, amountMinor, ...fields }) =>
      entry(key, { ...fields, price: { type: "fixed", amountMinor, currency: "USD" } }),
    ),
  );
/** What the provider holds: at most one live product per key (several archived ones are fine). */
const remoteArbitrary = fc
  .array(
    fc.record({
      key: fc.constantFrom(...keys),
      name: fc.constantFrom("Basic", "Pro", "Old"),
      archived: fc.boolean(),
      amountMinor: fc.constantFrom(900, 1_900),
      trialDays: fc.constantFrom(null, 7),
    }),
    { maxLength: 6 },
  )
  .map((held) =>
    held
      .map(({ key, amountMinor, ...fields }, index) =>
        product(key, {
          ...fields,
          providerProductId: `prod_${index}`,
          price: { type: "fixed", amountMinor, currency: "USD" },
        }),
      )
      .filter(
        (candidate, index, all) =>
          candidate.archived ||
          all.findIndex((other) => !other.archived && other.catalogKey === candidate.catalogKey) === index,
      ),
  );

describe("planCatalog: properties", () => {
  it("a push converges: planning again after it finds every declared key unchanged and nothing to archive", () => {
    fc.assert(
      fc.property(entriesArbitrary, remoteArbitrary, (entries, remote) => {
        const second = planCatalog(entries, push(entries, remote));
        expect(second.map((action) => action.kind)).toEqual(entries.map(() => "unchanged"));
      }),
    );
  });

  it("every declared key gets exactly one action, in declaration order, and is never archived", () => {
    fc.assert(
      fc.property(entriesArbitrary, remoteArbitrary, (entries, remote) => {
        const plan = planCatalog(entries, remote);
        const forDeclared = plan.filter((action) => action.kind !== "archive");
        expect(forDeclared.map((action) => action.key)).toEqual(entries.map((declared) => declared.key));
        const declaredKeys = new Set(entries.map((declared) => declared.key));
        for (const action of plan)
          if (action.kind === "archive") expect(declaredKeys.has(action.key)).toBe(false);
      }),
    );
  });

  it("a key the provider holds in any form is updated or left alone, never created twice", () => {
    fc.assert(
      fc.property(entriesArbitrary, remoteArbitrary, (entries, remote) => {
        const held = new Set(remote.map((candidate) => candidate.catalogKey));
        for (const action of planCatalog(entries, remote)) {
          expect(action.kind === "create").toBe(!held.has(action.key));
        }
      }),
    );
  });

  it("only a live product whose key is not declared is archived", () => {
    fc.assert(
      fc.property(entriesArbitrary, remoteArbitrary, (entries, remote) => {
        const declared = new Set(entries.map((candidate) => candidate.key));
        const expected = remote
          .filter((candidate) => !candidate.archived && !declared.has(candidate.catalogKey))
          .map((candidate) => candidate.providerProductId);
        const archived = planCatalog(entries, remote)
          .filter((action) => action.kind === "archive")
          .map((action) => (action.kind === "archive" ? action.providerProductId : ""));
        expect(archived.sort()).toEqual(expected.sort());
      }),
    );
  });
});
