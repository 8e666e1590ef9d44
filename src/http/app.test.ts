import { describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.js";
import { authorized, createTestService, type TestService } from "../testing/test-engine.js";

async function service(environment: Record<string, string> = {}): Promise<TestService> {
  const storage = openStorage({ databaseUrl: ":memory:" });
  await storage.migrate();
  return createTestService(storage, { environment });
}

const transfer = (id: string, amountMinor = 100) =>
  JSON.stringify({
    id,
    entries: [
      { account: { kind: "clearing", currency: "USD" }, amountMinor: -amountMinor },
      { account: { kind: "wallet", ownerId: "user_1", currency: "USD" }, amountMinor },
    ],
  });

describe("HTTP app", () => {
  it("answers liveness and readiness without a key", async () => {
    const { app, billhook } = await service();
    expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" });
    expect((await app.request("/readyz")).status).toBe(200);

    await billhook.storage.close();
    const notReady = await app.request("/readyz");
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).code).toBe("STORAGE_UNAVAILABLE");
  });

  it("requires a key on every route the spec does not mark public", async () => {
    const { app, billhook, adminKey } = await service();
    const revoked = await billhook.apiKeys.create({ scope: "admin", name: "old" });
    await billhook.apiKeys.revoke(revoked.apiKey.id);
    const spec = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const badCredentials = [
      undefined,
      "Bearer ",
      "Bearer not-a-key",
      // The real key with its last character changed (to one it surely is not).
      `Bearer ${adminKey.slice(0, -1)}${adminKey.endsWith("x") ? "y" : "x"}`,
      `Basic ${adminKey}`,
      `Bearer ${revoked.secret}`,
    ];
    let protectedOperations = 0;

    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.security?.length === 0) continue;
        protectedOperations++;
        const concretePath = path.replace(/\{[^}]+\}/g, "some_id");
        const bodies = new Set<string>();
        for (const authorization of badCredentials) {
          const response = await app.request(concretePath, {
            method: method.toUpperCase(),
            headers: authorization ? { authorization } : {},
          });
          expect(response.status, `${method} ${path} with ${authorization}`).toBe(401);
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          const { instance: _instance, ...problem } = await response.json();
          bodies.add(JSON.stringify(problem));
        }
        // The same answer whatever was wrong with the credentials.
        expect(bodies.size).toBe(1);
      }
    }
    expect(protectedOperations).toBeGreaterThanOrEqual(8);
  });

  it("refuses a server key on an admin route with 403 and allows it on a read", async () => {
    const { app, serverKey } = await service();
    const post = await app.request(
      "/v1/ledger/transactions",
      authorized(serverKey, { method: "POST", body: transfer("t1") }),
    );
    expect(post.status).toBe(403);
    expect((await post.json()).code).toBe("FORBIDDEN");
    const read = await app.request("/v1/ledger/accounts", authorized(serverKey));
    expect(read.status).toBe(200);
  });

  it("posts a transaction, reads it back, and shows the balance", async () => {
    const { app, adminKey, serverKey } = await service();
    const created = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, { method: "POST", body: transfer("order_1_paid", 1999) }),
    );
    expect(created.status).toBe(201);
    const transaction = await created.json();
    expect(transaction.entries).toHaveLength(2);

    const again = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, { method: "POST", body: transfer("order_1_paid", 1999) }),
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(transaction);

    const read = await app.request("/v1/ledger/transactions/order_1_paid", authorized(serverKey));
    expect(await read.json()).toEqual(transaction);
    const walletId = transaction.entries[1].accountId;
    const account = await (
      await app.request(`/v1/ledger/accounts/${walletId}`, authorized(serverKey))
    ).json();
    expect(account).toMatchObject({ kind: "wallet", ownerId: "user_1", currency: "USD", balanceMinor: 1999 });
    const verification = await (await app.request("/v1/ledger/verification", authorized(adminKey))).json();
    expect(verification.ok).toBe(true);
  });

  it("pages through accounts by id", async () => {
    const { app, adminKey } = await service();
    for (let index = 0; index < 5; index++) {
      await app.request(
        "/v1/ledger/transactions",
        authorized(adminKey, { method: "POST", body: transfer(`t${index}`) }),
      );
    }
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const query: string = `/v1/ledger/accounts?limit=1${after ? `&after=${after}` : ""}`;
      const page = (await (await app.request(query, authorized(adminKey))).json()) as {
        items: Array<{ id: string }>;
        nextAfter: string | null;
      };
      seen.push(...page.items.map((item) => item.id));
      after = page.nextAfter;
    } while (after);
    expect(seen).toHaveLength(2);
    expect([...seen].sort()).toEqual(seen);
  });

  it("answers bad input with a problem naming each field, and changes nothing", async () => {
    const { app, adminKey, serverKey } = await service();
    const invalid = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, {
        method: "POST",
        body: JSON.stringify({
          id: "bad",
          entries: [{ account: { kind: "x", currency: "usd" }, amountMinor: 1.5 }],
        }),
      }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    const problem = await invalid.json();
    expect(problem).toMatchObject({ code: "VALIDATION_FAILED", status: 422 });
    const paths = problem.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(["json.entries.0.account.currency", "json.entries.0.amountMinor"]),
    );

    const unbalanced = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, {
        method: "POST",
        body: JSON.stringify({
          id: "skewed",
          entries: [
            { account: { kind: "a", currency: "USD" }, amountMinor: 5 },
            { account: { kind: "b", currency: "USD" }, amountMinor: -4 },
          ],
        }),
      }),
    );
    expect((await unbalanced.json()).code).toBe("UNBALANCED_TRANSACTION");

    const malformed = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, { method: "POST", body: "{not json" }),
    );
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).code).toBe("MALFORMED_REQUEST");

    const accounts = await (await app.request("/v1/ledger/accounts", authorized(serverKey))).json();
    expect(accounts.items).toEqual([]);
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    const { app, adminKey, serverKey } = await service();
    const response = await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, {
        method: "POST",
        body: JSON.stringify({ id: "big", description: "x".repeat(2 * 1024 * 1024), entries: [] }),
      }),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe("PAYLOAD_TOO_LARGE");
    const read = await app.request("/v1/ledger/transactions/big", authorized(serverKey));
    expect(read.status).toBe(404);
  });

  it("logs each request with an id and never a key", async () => {
    const { app, adminKey, logger } = await service();
    await app.request(
      "/v1/ledger/transactions",
      authorized(adminKey, { method: "POST", body: transfer("logged") }),
    );
    await app.request("/v1/ledger/accounts", { headers: { authorization: `Bearer ${adminKey}` } });

    const requestLines = logger.lines.filter((line) => line.message === "request");
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]!.fields).toMatchObject({
      method: "POST",
      path: "/v1/ledger/transactions",
      status: 201,
    });
    expect(typeof requestLines[0]!.fields.requestId).toBe("string");
    expect(JSON.stringify(logger.lines)).not.toContain(adminKey);
    expect(JSON.stringify(logger.lines)).not.toContain("bh_sk_");
  });

  it("serves the OpenAPI document and a readable reference page", async () => {
    const { app } = await service();
    const spec = await (await app.request("/openapi.json")).json();
    expect(spec.openapi).toBe("3.1.0");
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/v1/ledger/transactions", "/v1/ledger/accounts/{accountId}", "/healthz"]),
    );
    const page = await app.request("/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/v1/ledger/transactions/{transactionId}");
  });

  it("answers an unknown route with a problem", async () => {
    const { app, serverKey } = await service();
    const response = await app.request("/v1/nothing-here", authorized(serverKey));
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe("NOT_FOUND");
  });
});

describe("API key revocation", () => {
  it("takes effect at once on the instance that revoked, and within the cache time on another", async () => {
    const storage = openStorage({ databaseUrl: ":memory:" });
    await storage.migrate();
    const { createBillhook } = await import("../engine.js");
    const { ManualClock } = await import("../kernel/index.js");
    const clock = new ManualClock();
    const first = await createTestService(storage, { clock });
    const second = createBillhook({ storage, clock });
    const { secret, apiKey } = await first.billhook.apiKeys.create({ scope: "server", name: "soon revoked" });
    expect(await second.apiKeys.authenticate(secret)).not.toBeNull();

    await first.billhook.apiKeys.revoke(apiKey.id);
    expect((await first.app.request("/v1/ledger/accounts", authorized(secret))).status).toBe(401);
    clock.advance(5_000);
    expect(await second.apiKeys.authenticate(secret)).toBeNull();
  });
});
