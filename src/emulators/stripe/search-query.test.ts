import { describe, expect, it } from "vitest";
import { compileSearchQuery } from "./search-query.js";

const alice = {
  email: "alice@example.com",
  name: "Alice",
  created: 100,
  metadata: { user_id: "42", plan: "pro" },
};
const bob = { email: "bob@example.com", name: "Bob", created: 200, metadata: { user_id: "7" } };

describe("search query language", () => {
  it("matches metadata and fields with AND", () => {
    const match = compileSearchQuery("metadata['user_id']:'42' AND email:'alice@example.com'");
    expect([alice, bob].filter(match)).toEqual([alice]);
  });

  it("supports OR, negation, substring and numeric comparison", () => {
    expect([alice, bob].filter(compileSearchQuery("name:'Bob' OR metadata['plan']:'pro'"))).toHaveLength(2);
    expect([alice, bob].filter(compileSearchQuery("-metadata['plan']:'pro'"))).toEqual([bob]);
    expect([alice, bob].filter(compileSearchQuery("email~'bob'"))).toEqual([bob]);
    expect([alice, bob].filter(compileSearchQuery("created>150"))).toEqual([bob]);
  });

  it("keeps quoted AND inside values and rejects mixed connectives", () => {
    const quoted = { name: "Salt AND Pepper", metadata: {} };
    expect([quoted].filter(compileSearchQuery(`name:"Salt AND Pepper"`))).toEqual([quoted]);
    expect(() => compileSearchQuery("name:'a' AND name:'b' OR name:'c'")).toThrow(/mix/);
    expect(() => compileSearchQuery("nonsense")).toThrow(/parse/);
  });
});
