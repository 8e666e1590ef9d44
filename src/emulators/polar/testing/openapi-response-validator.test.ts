import { describe, expect, it } from "vitest";
import { OpenApiResponseValidator, type RecordedExchange } from "./openapi-response-validator.js";
import { verifyWebhook } from "./webhook-verification.js";

const validator = new OpenApiResponseValidator();
const product = {
  id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
  created_at: "2026-01-01T00:00:00.000Z",
  modified_at: null,
  trial_interval: null,
  trial_interval_count: null,
  name: "Pro",
  description: null,
  visibility: "public",
  recurring_interval: null,
  recurring_interval_count: null,
  meter_interval: null,
  meter_interval_count: null,
  is_recurring: false,
  is_archived: false,
  organization_id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
  metadata: {},
  prices: [],
  benefits: [],
  medias: [],
  attached_custom_fields: [],
};
const exchange = (status: number, body: unknown): RecordedExchange => ({
  method: "GET",
  url: `http://127.0.0.1/v1/products/${product.id}`,
  status,
  contentType: "application/json",
  body: JSON.stringify(body),
});

// The conformance tests rely on this checker, so it must be shown to reject what Polar would not send.
describe("OpenAPI response validator", () => {
  it("accepts a well-formed product", () => {
    expect(validator.validate(exchange(200, product))).toBeUndefined();
  });

  it("rejects a missing required field, a zone-less datetime and a float amount", () => {
    const { prices: _prices, ...withoutPrices } = product;
    expect(validator.validate(exchange(200, withoutPrices))?.problem).toContain("prices");
    expect(
      validator.validate(exchange(200, { ...product, created_at: "2026-01-01T00:00:00" })),
    ).toBeDefined();
    const floatPrice = { ...product, prices: [{ amount_type: "fixed", price_amount: 10.5 }] };
    expect(validator.validate(exchange(200, floatPrice))).toBeDefined();
  });

  it("rejects undocumented statuses and picks literal paths over templated ones", () => {
    expect(validator.validate(exchange(201, product))?.problem).toBe("status 201 is not documented");
    expect(validator.operationFor("GET", "/v1/events/names")?.operation.operationId).toBe(
      "events:list_names",
    );
  });

  it("reports a webhook whose body was altered after signing", async () => {
    const webhook = {
      headers: {
        "webhook-id": "x",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,AAAA",
      },
      body: JSON.stringify({ type: "product.created", timestamp: new Date().toISOString(), data: product }),
      type: "product.created",
      receivedAtMs: Date.now(),
    };
    expect((await verifyWebhook(webhook, "whsec_secret")).join()).toContain("No matching signature");
  });
});
