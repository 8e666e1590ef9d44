import { beforeAll, expect, it } from "vitest";
import { sellerMetadata } from "../../src/modules/provider/index.js";
import { sellerRecord } from "../../src/testing/marketplace-fixtures.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../../src/testing/test-engine.js";

/**
 * A seller reads their own earnings in the browser with a customer token minted for their externalId
 * (what `<SellerPayouts>` does), and nothing else of the marketplace.
 */
describeEachDialect("seller dashboard with a customer token", (fixture) => {
  let service: TestService;
  const sellers = {
    a: { id: "sel_token_a", externalId: "creator_a" },
    b: { id: "sel_token_b", externalId: "creator_b" },
  };

  beforeAll(async () => {
    service = await createTestService(fixture.storage());
    for (const [index, seller] of Object.values(sellers).entries()) {
      await fixture.storage().transaction((stores) =>
        stores.marketplace.insertSeller(
          sellerRecord(`token_${index}`, {
            ...seller,
            handle: seller.externalId.replace("_", "-"),
            email: `${seller.externalId}@example.com`,
          }),
        ),
      );
    }
    // One tip to each seller, booked as the provider's webhook would.
    for (const [index, seller] of Object.values(sellers).entries()) {
      await fixture.storage().transaction((stores) =>
        service.billhook.marketplace.apply(stores, {
          kind: "seller_charge",
          charge: {
            providerPaymentId: `pi_token_${index}`,
            providerAccountId: `acct_token_${index}`,
            kind: "tip",
            metadata: { [sellerMetadata.sellerId]: seller.id, [sellerMetadata.feeBps]: "1500" },
            externalCustomerId: "viewer_1",
            providerSubscriptionId: null,
            currency: "USD",
            grossMinor: 2000 + index,
            paidAt: service.clock.now(),
          },
        }),
      );
    }
  });

  const call = (path: string, key: string, init: RequestInit = {}) =>
    service.app.request(path, authorized(key, init));
  const tokenFor = async (customerId: string) => {
    const response = await call(`/v1/customers/${customerId}/tokens`, service.serverKey, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  };

  it("reads the seller's own totals, charges with their fee bps, and payouts", async () => {
    const token = await tokenFor(sellers.a.externalId);
    const response = await call(`/v1/customers/${sellers.a.externalId}/seller-dashboard`, token);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.seller).toMatchObject({ id: sellers.a.id, externalId: sellers.a.externalId });
    expect(body.charges).toEqual([
      expect.objectContaining({ providerPaymentId: "pi_token_0", grossMinor: 2000, feeBps: 1500 }),
    ]);
    const net = body.charges[0].sellerNetMinor as number;
    expect(body.totals).toEqual([
      { currency: "USD", pendingMinor: net, availableMinor: 0, paidMinor: 0, lifetimeMinor: net },
    ]);
    expect(body.payouts).toEqual([]);
  });

  it("refuses seller A's token on seller B's dashboard, by either route (403)", async () => {
    const token = await tokenFor(sellers.a.externalId);
    for (const path of [
      `/v1/customers/${sellers.b.externalId}/seller-dashboard`,
      `/v1/sellers/${sellers.b.id}/dashboard`,
    ]) {
      const response = await call(path, token);
      expect(response.status, path).toBe(403);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect((await response.json()).code).toBe("FORBIDDEN");
    }
  });

  it("reaches no secret-key or admin route of the marketplace, not even for its own seller", async () => {
    const token = await tokenFor(sellers.a.externalId);
    const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });
    const routes: Array<[string, RequestInit]> = [
      [`/v1/sellers/${sellers.a.id}/dashboard`, {}],
      [`/v1/sellers/${sellers.a.id}`, {}],
      ["/v1/sellers", {}],
      ["/v1/marketplace/summary", {}],
      [`/v1/sellers/${sellers.a.id}/payouts`, json({ currency: "USD", idempotencyKey: "k" })],
      ["/v1/marketplace/charges/pi_token_0/refund", json({})],
      [
        `/v1/sellers/${sellers.a.id}/tiers`,
        json({ name: "x", amountMinor: 500, currency: "USD", interval: "month" }),
      ],
      ["/v1/settings", {}],
      ["/v1/webhook-endpoints", {}],
    ];
    for (const [path, init] of routes) {
      const response = await call(path, token, init);
      expect(response.status, path).toBe(403);
    }
    // Nothing was paid out or refunded.
    const board = await service.billhook.marketplace.reads.dashboard(sellers.a.id);
    expect(board.payouts).toEqual([]);
    expect(board.charges[0]!.refundedMinor).toBe(0);
  });

  it("answers 404 to a customer who is no seller, and 422 to a bad limit", async () => {
    const token = await tokenFor("just_a_viewer");
    const missing = await call("/v1/customers/just_a_viewer/seller-dashboard", token);
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("NOT_FOUND");
    const bad = await call(
      `/v1/customers/${sellers.a.externalId}/seller-dashboard?limit=0`,
      service.serverKey,
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("lets a server key read any seller's dashboard by externalId", async () => {
    const response = await call(
      `/v1/customers/${sellers.b.externalId}/seller-dashboard?limit=5`,
      service.serverKey,
    );
    expect(response.status).toBe(200);
    expect((await response.json()).seller.id).toBe(sellers.b.id);
  });
});
