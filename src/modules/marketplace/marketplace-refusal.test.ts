import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { createBillhook } from "../../engine.js";
import { PolarProvider } from "../../providers/polar/polar-provider.js";
import { openStorage } from "../../storage/open-storage.js";

describe("a marketplace on Polar", () => {
  it("is refused at start, citing Polar's acceptable-use policy and the docs page with the alternatives", async () => {
    const storage = openStorage({ databaseUrl: ":memory:" });
    const provider = new PolarProvider({
      accessToken: "polar_oat_test",
      serverUrl: "http://127.0.0.1:9",
      webhookSecret: undefined,
    });
    try {
      const start = () =>
        createBillhook({
          storage,
          provider,
          config: resolveConfig({}, { marketplace: {} }),
        });
      expect(start).toThrow(/acceptable-use policy prohibits marketplaces with a revenue share/);
      expect(start).toThrow(/docs\/marketplace\.md/);
      expect(start).toThrow(/Stripe Connect/);
      expect(start).toThrow(/one Polar organisation per seller/);
      // Without sellers configured, Polar still sells as before.
      expect(() => createBillhook({ storage, provider, config: resolveConfig({}) })).not.toThrow();
    } finally {
      await storage.close();
    }
  });

  it("answers UNSUPPORTED_BY_PROVIDER when sellers are used on Polar without being configured", async () => {
    const storage = openStorage({ databaseUrl: ":memory:" });
    await storage.migrate();
    const provider = new PolarProvider({
      accessToken: "polar_oat_test",
      serverUrl: "http://127.0.0.1:9",
      webhookSecret: undefined,
    });
    try {
      const billhook = createBillhook({ storage, provider, config: resolveConfig({}) });
      await expect(
        billhook.marketplace.createSeller({ externalId: "u1", email: "a@example.com", country: "US" }),
      ).rejects.toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
      expect(await billhook.marketplace.reads.listSellers(10, null)).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
