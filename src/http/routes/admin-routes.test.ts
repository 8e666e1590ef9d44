import { beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../../testing/test-engine.js";

describeEachDialect("admin read API", (fixture) => {
  let service: TestService;
  const get = async (path: string) => {
    const response = await service.app.request(path, authorized(service.adminKey));
    expect(response.status, path).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    service = await createTestService(fixture.storage());
    service.clock.set(new Date("2026-03-10T12:00:00Z"));
    await service.billhook.customers.remember({
      customerId: "user_ada",
      email: "ada@example.com",
      name: "Ada",
    });
    await service.billhook.customers.remember({ customerId: "user_50%_off", email: "promo@example.com" });
    const revenue = async (id: string, amountMinor: number) => {
      const posted = await service.app.request(
        "/v1/ledger/transactions",
        authorized(service.adminKey, {
          method: "POST",
          body: JSON.stringify({
            id,
            entries: [
              { account: { kind: "provider_balance", ownerId: "polar", currency: "USD" }, amountMinor },
              { account: { kind: "revenue", currency: "USD" }, amountMinor: -amountMinor },
            ],
          }),
        }),
      );
      expect(posted.status).toBe(201);
    };
    await revenue("sale_1", 1200);
    service.clock.advance(24 * 60 * 60 * 1000);
    await revenue("sale_2", 4900);
    await revenue("sale_3", 100);
  });

  it("charts ledger revenue per day over 30 days, zeros included, ending today", async () => {
    const overview = await get("/v1/admin/overview");
    expect(overview.revenue).toHaveLength(1);
    const [usd] = overview.revenue;
    expect(usd.currency).toBe("USD");
    expect(usd.totalMinor).toBe(6200);
    expect(usd.days).toHaveLength(30);
    expect(usd.days.at(-1)).toEqual({ day: "2026-03-11", amountMinor: 5000 });
    expect(usd.days.at(-2)).toEqual({ day: "2026-03-10", amountMinor: 1200 });
    expect(usd.days.at(0).amountMinor).toBe(0);
    expect(overview.customers).toBe(2);
    expect(overview.subscriptions).toEqual({ live: 0, byStatus: {} });
    expect(overview.webhooks).toEqual({ byStatus: {}, backlog: 0, failed: 0, oldestPendingAt: null });
  });

  it("searches customers by part of id, email or name, taking % and _ literally", async () => {
    const ids = async (query: string) =>
      ((await get(`/v1/customers?query=${encodeURIComponent(query)}`)).items as Array<{ id: string }>).map(
        (customer) => customer.id,
      );
    expect(await ids("ADA@")).toEqual(["user_ada"]);
    expect(await ids("ada")).toEqual(["user_ada"]);
    expect(await ids("50%")).toEqual(["user_50%_off"]);
    expect(await ids("%")).toEqual(["user_50%_off"]);
    expect(await ids("nobody")).toEqual([]);
    expect((await ids("")).sort()).toEqual(["user_50%_off", "user_ada"]);
  });

  it("summarises a customer, and an id with no record at all without failing", async () => {
    const ada = await get("/v1/customers/user_ada");
    expect(ada.customer).toMatchObject({ id: "user_ada", email: "ada@example.com", name: "Ada" });
    expect(ada).toMatchObject({ entitlements: [], payments: [], ledger: [], openHolds: [] });
    const unknown = await get("/v1/customers/never_seen");
    expect(unknown.customer).toBeNull();
  });

  it("lists payments (none yet) and refuses an unknown status filter with a problem, changing nothing", async () => {
    expect(await get("/v1/payments")).toEqual({ items: [] });
    const bad = await service.app.request("/v1/payments?status=stolen", authorized(service.adminKey));
    expect(bad.status).toBe(422);
    expect((await bad.json()).code).toBe("VALIDATION_FAILED");
  });

  it("keeps every admin read away from server keys", async () => {
    for (const path of ["/v1/admin/overview", "/v1/customers", "/v1/customers/user_ada", "/v1/payments"]) {
      expect((await service.app.request(path, authorized(service.serverKey))).status, path).toBe(403);
    }
  });
});
