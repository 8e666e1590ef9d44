import { describe, expect, it } from "vitest";
import { fixedClock } from "../shared/emulator-clock.js";
import { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { createPolarEmulatorApp } from "./polar-emulator-app.js";

function emulatorApp() {
  const runtime = new PolarEmulatorRuntime({ seed: 5, clock: fixedClock(new Date("2026-03-01T12:00:00Z")) });
  const app = createPolarEmulatorApp(runtime);
  const call = async (method: string, path: string, body?: unknown, token = runtime.token) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  return { runtime, app, call };
}

describe("Polar emulator HTTP surface (app.request, no socket)", () => {
  it("requires the Bearer token and answers Polar's invalid_token shape", async () => {
    const { call } = emulatorApp();
    const response = await call("GET", "/v1/products/", undefined, "polar_oat_other");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: "invalid_token",
      error_description:
        "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
    });
    expect(response.headers.get("www-authenticate")).toContain("invalid_token");
  });

  it("echoes the API version it speaks", async () => {
    const { call } = emulatorApp();
    expect((await call("GET", "/v1/products/")).headers.get("polar-version")).toBe("2026-04");
  });

  it("answers unknown ids with 404 ResourceNotFound", async () => {
    const { call } = emulatorApp();
    for (const path of [
      "/v1/products/x",
      "/v1/customers/x",
      "/v1/subscriptions/x",
      "/v1/orders/x",
      "/v1/meters/x",
    ]) {
      expect(await call("GET", path)).toMatchObject({
        status: 404,
        body: { error: "ResourceNotFound", detail: "Not found" },
      });
    }
  });

  it("answers bad bodies with 422 in Polar's validation shape", async () => {
    const { call } = emulatorApp();
    const missing = await call("POST", "/v1/customers/", {});
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      error: "RequestValidationError",
      detail: [{ type: "missing", loc: ["body", "email"], msg: "Field required", input: {} }],
    });
    const malformed = await call("POST", "/v1/customers/", "{not json");
    expect(malformed.body.detail[0]).toMatchObject({ type: "json_invalid", loc: ["body", 0] });
    const wrongType = await call("POST", "/v1/products/", {
      name: "Pro plan",
      prices: [{ amount_type: "fixed", price_amount: 9.5 }],
    });
    expect(wrongType.body.detail[0].loc).toEqual(["body", "prices", 0, "price_amount"]);
  });

  it("keeps email unique and external_id immutable", async () => {
    const { call } = emulatorApp();
    const created = await call("POST", "/v1/customers/", { email: "ada@example.com", external_id: "user_1" });
    expect(created.status).toBe(201);
    const duplicate = await call("POST", "/v1/customers/", { email: "ada@example.com" });
    expect(duplicate.body.detail[0].msg).toBe("A customer with this email address already exists.");
    const changed = await call("PATCH", `/v1/customers/${created.body.id}`, { external_id: "user_2" });
    expect([changed.status, changed.body.detail[0].msg]).toEqual([
      422,
      "Customer external ID cannot be updated.",
    ]);
    await call("DELETE", `/v1/customers/${created.body.id}`);
    expect(
      (await call("POST", "/v1/customers/", { email: "ada@example.com", external_id: "user_1" })).status,
    ).toBe(201);
  });

  it("paginates with page and limit and reports total_count and max_page", async () => {
    const { call } = emulatorApp();
    for (let index = 0; index < 25; index += 1) {
      await call("POST", "/v1/products/", {
        name: `Product ${index}`,
        prices: [{ amount_type: "fixed", price_amount: 100 + index }],
      });
    }
    const third = await call("GET", "/v1/products/?page=3&limit=10");
    expect(third.body.pagination).toEqual({ total_count: 25, max_page: 3 });
    expect(third.body.items).toHaveLength(5);
    expect((await call("GET", "/v1/products/?limit=101")).status).toBe(422);
    const empty = await call("GET", "/v1/orders/");
    expect(empty.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("uses the injected clock and advances it through /_emulator/clock", async () => {
    const { call } = emulatorApp();
    expect((await call("GET", "/_emulator/clock")).body).toEqual({
      now: "2026-03-01T12:00:00.000Z",
      offset_seconds: 0,
    });
    const advanced = await call("POST", "/_emulator/clock/advance", { seconds: 3600 });
    expect(advanced.body.now).toBe("2026-03-01T13:00:00.000Z");
    const product = await call("POST", "/v1/products/", {
      name: "Timed",
      prices: [{ amount_type: "fixed", price_amount: 100 }],
    });
    expect(product.body.created_at).toBe("2026-03-01T13:00:00.000Z");
  });

  it("dedups ingested events on external_id and rejects unknown customer ids as a whole batch", async () => {
    const { call } = emulatorApp();
    const event = { name: "call", external_customer_id: "u1", external_id: "e1" };
    expect((await call("POST", "/v1/events/ingest", { events: [event, event] })).body).toEqual({
      inserted: 1,
      duplicates: 1,
    });
    const rejected = await call("POST", "/v1/events/ingest", {
      events: [
        { name: "call", external_customer_id: "u1" },
        { name: "call", customer_id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737" },
      ],
    });
    expect(rejected.status).toBe(422);
    expect(rejected.body.detail[0].loc).toEqual(["body", "events", 1, "customer_id"]);
    expect((await call("GET", "/v1/events/")).body.items).toHaveLength(1);
  });
});
