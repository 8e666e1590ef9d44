import { beforeAll, expect, it } from "vitest";
import { sessionLimits } from "../modules/sessions/index.js";
import { describeEachDialect } from "../testing/storage-matrix.js";
import { authorized, createTestService, type TestService } from "../testing/test-engine.js";

const origin = "http://localhost";
const hourMs = 60 * 60 * 1000;

describeEachDialect("dashboard sessions over HTTP", (fixture) => {
  let service: TestService;
  beforeAll(async () => {
    service = await createTestService(fixture.storage());
  });

  async function signIn(apiKey: string, headers: Record<string, string> = {}) {
    return service.app.request("/dashboard/api/session", {
      method: "POST",
      headers: { "content-type": "application/json", origin, ...headers },
      body: JSON.stringify({ apiKey }),
    });
  }

  /** Signs in and returns the cookie header to send back and the CSRF token. */
  async function session(apiKey = service.adminKey) {
    const response = await signIn(apiKey);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie")!;
    const cookie = setCookie.split(";")[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return { cookie, csrfToken, setCookie };
  }

  const createKey = (cookie: string, headers: Record<string, string> = {}) =>
    service.app.request("/v1/api-keys", {
      method: "POST",
      headers: { cookie, "content-type": "application/json", ...headers },
      body: JSON.stringify({ scope: "server", name: "made in the dashboard" }),
    });

  it("sets an HttpOnly, SameSite=Strict cookie scoped to the site, Secure only behind https", async () => {
    const { setCookie } = await session();
    expect(setCookie).toMatch(/^bh_session=[0-9A-Za-z]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Secure");
    const overHttps = await signIn(service.adminKey, { "x-forwarded-proto": "https" });
    expect(overHttps.headers.get("set-cookie")).toContain("Secure");
  });

  it("stores only a hash of the session token", async () => {
    const { cookie } = await session();
    const token = cookie.split("=")[1]!;
    const rows = await fixture
      .storage()
      .kysely.selectFrom("dashboard_sessions")
      .select("token_hash")
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.token_hash)).not.toContain(token);
  });

  it("refuses a wrong key (401), a server key (403) and a sign-in from another origin, setting no cookie", async () => {
    const wrong = await signIn("bh_sk_thisisnotarealkeyatallnotatall00");
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe("UNAUTHORIZED");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const server = await signIn(service.serverKey);
    expect(server.status).toBe(403);
    expect(server.headers.get("set-cookie")).toBeNull();
    const crossSite = await signIn(service.adminKey, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();
  });

  it("answers 401 without a cookie and serves admin reads with one", async () => {
    expect((await service.app.request("/v1/admin/overview")).status).toBe(401);
    expect(
      (await service.app.request("/v1/admin/overview", { headers: { cookie: "bh_session=forged" } })).status,
    ).toBe(401);
    const { cookie } = await session();
    const overview = await service.app.request("/v1/admin/overview", { headers: { cookie } });
    expect(overview.status).toBe(200);
    expect((await service.app.request("/dashboard/api/session", { headers: { cookie } })).status).toBe(200);
  });

  it("refuses a state-changing request with the cookie but without the CSRF token (403), changing nothing", async () => {
    const { cookie, csrfToken } = await session();
    const keysBefore = (await service.billhook.apiKeys.list()).length;
    const missing = await createKey(cookie);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ code: "FORBIDDEN", reason: "CSRF_TOKEN_INVALID" });
    expect((await createKey(cookie, { "x-billhook-csrf": "x".repeat(32) })).status).toBe(403);
    const crossSite = await createKey(cookie, {
      "x-billhook-csrf": csrfToken,
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
    expect((await service.billhook.apiKeys.list()).length).toBe(keysBefore);

    const allowed = await createKey(cookie, { "x-billhook-csrf": csrfToken, origin });
    expect(allowed.status).toBe(201);
    expect((await service.billhook.apiKeys.list()).length).toBe(keysBefore + 1);
  });

  it("ends every session of a key when the key is revoked", async () => {
    const { secret, apiKey } = await service.billhook.apiKeys.create({
      scope: "admin",
      name: "soon revoked",
    });
    const { cookie } = await session(secret);
    expect((await service.app.request("/v1/admin/overview", { headers: { cookie } })).status).toBe(200);
    const revoked = await service.app.request(
      `/v1/api-keys/${apiKey.id}/revoke`,
      authorized(service.adminKey, { method: "POST" }),
    );
    expect(revoked.status).toBe(200);
    expect((await service.app.request("/v1/admin/overview", { headers: { cookie } })).status).toBe(401);
    expect((await service.app.request("/dashboard/api/session", { headers: { cookie } })).status).toBe(401);
  });

  it("expires after being idle, and at its absolute lifetime however active", async () => {
    const idle = await session();
    const active = await session();
    const read = (cookie: string) => service.app.request("/v1/admin/overview", { headers: { cookie } });
    const stepMs = hourMs;
    let elapsedMs = 0;
    while (elapsedMs + stepMs < sessionLimits.lifetimeMs) {
      service.clock.advance(stepMs);
      elapsedMs += stepMs;
      expect((await read(active.cookie)).status).toBe(200);
    }
    expect((await read(idle.cookie)).status).toBe(401);
    service.clock.advance(sessionLimits.lifetimeMs - elapsedMs);
    expect((await read(active.cookie)).status).toBe(401);
  });

  it("signs out: the session is deleted and the cookie cleared", async () => {
    const { cookie, csrfToken } = await session();
    const withoutToken = await service.app.request("/dashboard/api/session", {
      method: "DELETE",
      headers: { cookie },
    });
    expect(withoutToken.status).toBe(403);
    const signedOut = await service.app.request("/dashboard/api/session", {
      method: "DELETE",
      headers: { cookie, "x-billhook-csrf": csrfToken, origin },
    });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get("set-cookie")).toMatch(/^bh_session=;.*Max-Age=0/);
    expect((await service.app.request("/v1/admin/overview", { headers: { cookie } })).status).toBe(401);
  });

  it("lets an Authorization header win over a cookie (no CSRF needed for API clients)", async () => {
    const response = await service.app.request(
      "/v1/api-keys",
      authorized(service.adminKey, {
        method: "POST",
        headers: { cookie: "bh_session=stale" },
        body: JSON.stringify({ scope: "server", name: "api client" }),
      }),
    );
    expect(response.status).toBe(201);
  });
});
