import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { domainEventSchemas, domainEventTypes } from "./index.js";

const doc = readFileSync(new URL("../../../docs/webhooks.md", import.meta.url), "utf8");

/** The JSON sample that follows the heading of `type` in docs/webhooks.md. */
function sampleOf(type: string): { type: string; data: unknown } | null {
  const section = doc.split(`### \`${type}\``)[1]?.split("### ")[0];
  const json = section?.match(/```json\n([\s\S]*?)\n```/)?.[1];
  return json ? JSON.parse(json) : null;
}

describe("docs/webhooks.md", () => {
  it.each(domainEventTypes)("documents %s with a sample that matches its schema", (type) => {
    const sample = sampleOf(type);
    expect(sample, `docs/webhooks.md has no "### \`${type}\`" section with a JSON sample`).not.toBeNull();
    expect(sample!.type).toBe(type);
    expect(domainEventSchemas[type].safeParse(sample!.data).success).toBe(true);
  });

  it("lists no type that Billhook does not record", () => {
    const documented = [...doc.matchAll(/^### `([a-z_.]+)`$/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...domainEventTypes].sort());
  });
});
