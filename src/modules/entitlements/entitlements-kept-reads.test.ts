import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { ManualClock, randomBase62 } from "../../kernel/index.js";
import { testCatalog } from "../../testing/polar-harness.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Catalog } from "../catalog/index.js";
import type { EntitlementRow } from "./entitlement-store.js";
import { Entitlements } from "./entitlements-service.js";

const config = resolveConfig({}, testCatalog);

/**
 * `check` keeps what it read in memory while the storage's change stamp stays the same. Whatever
 * writes the projection (this process, a raw statement, or another process on the same database),
 * and however the clock moves, the next answer is the one a fresh read would give.
 */
describeEachDialect("entitlement check reads kept in memory", (fixture) => {
  const clock = new ManualClock(new Date("2026-05-01T00:00:00Z"));
  let entitlements: Entitlements;
  const dayMs = 86_400_000;

  beforeAll(() => {
    entitlements = new Entitlements({
      access: fixture.storage(),
      clock,
      catalog: new Catalog(config.catalog),
    });
  });

  const grant = (customerId: string, activeUntilMs: number | null, lapseCode: EntitlementRow["lapseCode"]) =>
    fixture.storage().transaction((stores) =>
      stores.entitlements.replaceForSource(
        "subscription",
        `sub_${customerId}`,
        [
          {
            customerId,
            featureKey: "export",
            sourceKind: "subscription",
            sourceId: `sub_${customerId}`,
            catalogKey: "pro",
            activeUntilMs,
            lapseCode,
          },
        ],
        clock.now().getTime(),
      ),
    );
  const codeOf = async (customerId: string) =>
    (await entitlements.check({ customerId, feature: "export" })).code;

  it("answers a write made in this process at once", async () => {
    const customerId = `c_${randomBase62(8)}`;
    expect(await codeOf(customerId)).toBe("SUBSCRIPTION_REQUIRED");
    await grant(customerId, null, null);
    expect(await codeOf(customerId)).toBe("ALLOWED");
    await fixture
      .storage()
      .transaction((stores) =>
        stores.entitlements.replaceForSource("subscription", `sub_${customerId}`, [], clock.now().getTime()),
      );
    expect(await codeOf(customerId)).toBe("SUBSCRIPTION_REQUIRED");
  });

  it("answers a write made by another instance on the same database", async () => {
    const customerId = `c_${randomBase62(8)}`;
    await grant(customerId, null, null);
    expect(await codeOf(customerId)).toBe("ALLOWED");
    expect(await codeOf(customerId)).toBe("ALLOWED");
    const other = fixture.openAnother();
    await other.transaction((stores) =>
      stores.entitlements.replaceForSource("subscription", `sub_${customerId}`, [], clock.now().getTime()),
    );
    expect(await codeOf(customerId)).toBe("SUBSCRIPTION_REQUIRED");
  });

  it("answers a raw statement that bypasses the stores", async () => {
    const customerId = `c_${randomBase62(8)}`;
    await grant(customerId, null, null);
    expect(await codeOf(customerId)).toBe("ALLOWED");
    await fixture.storage().kysely.deleteFrom("entitlements").where("customer_id", "=", customerId).execute();
    expect(await codeOf(customerId)).toBe("SUBSCRIPTION_REQUIRED");
  });

  it("decides by the clock, so access ends and lapses without any write", async () => {
    const customerId = `c_${randomBase62(8)}`;
    const endsAtMs = clock.now().getTime() + dayMs;
    await grant(customerId, endsAtMs, "PAYMENT_REQUIRED");
    const allowed = await entitlements.check({ customerId, feature: "export" });
    expect(allowed).toMatchObject({ allowed: true, activeUntil: new Date(endsAtMs).toISOString() });
    clock.advance(dayMs);
    expect(await codeOf(customerId)).toBe("PAYMENT_REQUIRED");
    await grant(customerId, clock.now().getTime() + dayMs, null);
    clock.advance(2 * dayMs);
    expect(await codeOf(customerId)).toBe("SUBSCRIPTION_REQUIRED");
  });

  it("keeps reads only where the database can say when they go stale", () => {
    const stamp = fixture.storage().changeStamp();
    if (fixture.dialect === "sqlite") expect(stamp).toMatch(/^\d+:\d+$/);
    else expect(stamp).toBeNull();
  });
});
