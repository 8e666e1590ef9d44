import { afterAll, beforeAll, expect, it } from "vitest";
import { changedTables, databaseFingerprint } from "../../src/testing/database-fingerprint.js";
import {
  concretePath,
  exampleOf,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from "../../src/testing/openapi-operations.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { conformanceCatalog } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

/**
 * Who may call what, for every operation in `/openapi.json`: no key, a revoked key, a key of too
 * small a scope, and a customer token — outside its routes, or inside them with another customer's
 * id smuggled into each place a request can carry one — are all refused, and change nothing in the
 * database or at the provider. A customer token on its own customer's routes still works.
 */

/** Bookkeeping a refused request may touch: a key's last use. Nothing a customer owns. */
const bookkeepingTables = ["api_keys"];

const attacker = "cust_attacker_a";
const victim = "cust_victim_b";

describeEachDialect("authorization matrix", (fixture) => {
  let harness: PolarHarness;
  let document: OpenApiDocument;
  let operations: Operation[];
  let attackerToken: string;
  let revokedKey: string;

  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage(), { catalog: conformanceCatalog.catalog });
    expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);
    // The victim owns something, so an attacker's checkout for it would answer ALREADY_ENTITLED.
    await harness.buy(victim, "reports_pack");
    expect((await harness.check(victim, "reports")).allowed).toBe(true);
    const ensured = await harness.api("/v1/customers", {
      method: "POST",
      key: harness.serverKey,
      json: { customerId: attacker, email: "attacker@example.com" },
    });
    expect(ensured.status, await ensured.clone().text()).toBe(200);
    const minted = await harness.api(`/v1/customers/${attacker}/tokens`, {
      method: "POST",
      key: harness.serverKey,
      json: {},
    });
    attackerToken = ((await minted.json()) as { token: string }).token;
    const revoked = await harness.billhook.apiKeys.create({ scope: "admin", name: "revoked" });
    await harness.billhook.apiKeys.revoke(revoked.apiKey.id);
    revokedKey = revoked.secret;
    document = (await (await harness.api("/openapi.json")).json()) as OpenApiDocument;
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await harness?.close();
    harness?.billhook.changeBus.close();
  });

  /** What the database and the provider hold; equal before and after means nothing changed. */
  const state = async () => {
    await harness.settle(); // the provider's own late webhooks are not the request's doing
    return stateNow();
  };
  const stateNow = async () => ({
    tables: await databaseFingerprint(fixture.storage(), bookkeepingTables),
    providerCheckouts: (await harness.polar.checkouts.list({ limit: 100 })).result.items.length,
    providerCustomers: (await harness.polar.customers.list({ limit: 100 })).result.items.length,
  });
  const expectUnchanged = (before: Awaited<ReturnType<typeof stateNow>>, after: typeof before) => {
    expect(changedTables(before.tables, after.tables)).toEqual([]);
    expect(after.providerCheckouts).toBe(before.providerCheckouts);
    expect(after.providerCustomers).toBe(before.providerCustomers);
  };

  /** A request for `operation` naming `customerId` wherever it names a customer. */
  const requestFor = (operation: Operation, customerId: string) => {
    const query = new URLSearchParams();
    for (const parameter of operation.queryParameters) {
      if (parameter.name === "customerId") query.append("customerId", customerId);
      else if (parameter.name === "feature") query.append("feature", "export");
      else if (parameter.required)
        query.append(parameter.name, String(exampleOf(document, parameter.schema)));
    }
    const body = operation.body ? withCustomer(exampleOf(document, operation.body), customerId) : undefined;
    return {
      path: concretePath(operation.path, { customerId }),
      query,
      body,
    };
  };

  const send = async (
    operation: Operation,
    request: { path: string; query: URLSearchParams; body: unknown },
    key: string | undefined,
  ) => {
    const search = request.query.size > 0 ? `?${request.query}` : "";
    const response = await fetch(`${harness.server.url}${request.path}${search}`, {
      method: operation.method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, code: (safeJson(text) as { code?: string } | null)?.code };
  };

  it("refuses no key, a revoked key, a too-small scope and a customer token off its routes, on every operation", async () => {
    const before = await state();
    let checked = 0;
    for (const operation of operations) {
      if (operation.public) continue;
      const name = `${operation.method} ${operation.path}`;
      const request = requestFor(operation, victim);
      for (const [label, key] of [
        ["no key", undefined],
        ["revoked key", revokedKey],
      ] as const) {
        const answer = await send(operation, request, key);
        expect([answer.status, answer.code], `${name} with ${label}: ${answer.text}`).toEqual([
          401,
          "UNAUTHORIZED",
        ]);
      }
      if (operation.scope === "admin") {
        const answer = await send(operation, request, harness.serverKey);
        expect([answer.status, answer.code], `${name} with a server key: ${answer.text}`).toEqual([
          403,
          "FORBIDDEN",
        ]);
      }
      if (!operation.customerAccessible) {
        const answer = await send(operation, requestFor(operation, attacker), attackerToken);
        expect([answer.status, answer.code], `${name} with a customer token: ${answer.text}`).toEqual([
          403,
          "FORBIDDEN",
        ]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    expectUnchanged(before, await state());
  });

  it("refuses a customer token whose request names another customer anywhere, and changes nothing", async () => {
    const accessible = operations.filter((operation) => operation.customerAccessible);
    expect(accessible.map((operation) => `${operation.method} ${operation.path}`)).toContain(
      "POST /v1/checkouts",
    );
    const before = await state();
    for (const operation of accessible) {
      const name = `${operation.method} ${operation.path}`;
      for (const [position, request] of smuggled(operation)) {
        const answer = await send(operation, request, attackerToken);
        expect([answer.status, answer.code], `${name}, victim's id in ${position}: ${answer.text}`).toEqual([
          403,
          "FORBIDDEN",
        ]);
      }
    }
    expectUnchanged(before, await state());
  });

  it("lets a customer token act for its own customer on every route open to it", async () => {
    for (const operation of operations.filter((candidate) => candidate.customerAccessible)) {
      const request = requestFor(operation, attacker);
      if (operation.path === "/v1/checkouts")
        request.body = { ...(request.body as object), product: "reports_pack" };
      if (operation.path.endsWith("/events")) {
        // A server-sent event stream: its head is the answer; the stream is closed at once.
        const controller = new AbortController();
        const response = await fetch(`${harness.server.url}${request.path}`, {
          headers: { authorization: `Bearer ${attackerToken}` },
          signal: controller.signal,
        });
        expect(response.status).toBe(200);
        controller.abort();
        continue;
      }
      const answer = await send(operation, request, attackerToken);
      // Allowed through: a 2xx, or the route's own answer (the attacker is no seller: 404).
      expect([401, 403], `${operation.method} ${operation.path}: ${answer.text}`).not.toContain(
        answer.status,
      );
      expect(answer.status).toBeLessThan(500);
      if (!operation.path.endsWith("/seller-dashboard")) expect(answer.status).toBeLessThan(300);
    }
  });

  /** Each way the victim's id can ride along with a request that otherwise names the attacker. */
  function smuggled(
    operation: Operation,
  ): Array<[string, { path: string; query: URLSearchParams; body: unknown }]> {
    const cases: Array<[string, { path: string; query: URLSearchParams; body: unknown }]> = [];
    const own = () => requestFor(operation, attacker);
    if (operation.pathParameters.includes("customerId")) {
      const request = own();
      request.path = concretePath(operation.path, { customerId: victim });
      cases.push(["the path", request]);
    }
    {
      const request = own();
      request.query.delete("customerId");
      request.query.append("customerId", victim);
      cases.push(["the query", request]);
    }
    {
      const request = own();
      request.query.append("customerId", victim);
      cases.push(["a repeated query parameter", request]);
    }
    if (operation.body) {
      const request = own();
      request.body = { ...(request.body as object), customerId: victim, product: "reports_pack" };
      cases.push(["the body", request]);
      const nested = own();
      nested.body = { ...(nested.body as object), metadata: { buyer: { customerId: victim } } };
      cases.push(["a nested body field", nested]);
      const snake = own();
      snake.body = { ...(snake.body as object), customer_id: victim };
      cases.push(["a snake_case body field", snake]);
    }
    if (!operation.pathParameters.includes("customerId")) {
      const request = own();
      request.query.delete("customerId");
      if (request.body) {
        const { customerId: _dropped, ...rest } = request.body as Record<string, unknown>;
        request.body = rest;
      }
      cases.push(["nowhere (no customer named)", request]);
    }
    return cases;
  }
});

function withCustomer(body: unknown, customerId: string): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  return "customerId" in body ? { ...body, customerId } : body;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
