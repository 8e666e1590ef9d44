import { describe, expect, it } from "vitest";
import { encodeFormBody, parseFormBody } from "./form-body-parser.js";

describe("form body parser", () => {
  it("reads Stripe's bracket notation into nested objects and indexed arrays", () => {
    const body = parseFormBody(
      "line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price_data][product_data][name]=A%20B&metadata[plan]=pro&expand[]=customer&expand[]=invoice",
    );
    expect(body).toEqual({
      line_items: [{ price: "price_1", quantity: "2" }, { price_data: { product_data: { name: "A B" } } }],
      metadata: { plan: "pro" },
      expand: ["customer", "invoice"],
    });
  });

  it("accepts percent-encoded brackets and keeps an empty value (metadata unset)", () => {
    expect(parseFormBody("metadata%5Bplan%5D=&email=a%2Bb%40c.d")).toEqual({
      metadata: { plan: "" },
      email: "a+b@c.d",
    });
    expect(parseFormBody("metadata=")).toEqual({ metadata: "" });
  });

  it("round-trips through the encoder", () => {
    const value = { a: { b: ["x", "y"] }, c: "1" };
    expect(parseFormBody(encodeFormBody(value))).toEqual(value);
  });
});
