import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const reference = (version: string) =>
  new URL(`../../../../../shared/reference/polar-openapi-${version}.json`, import.meta.url);

/** Drops what only names the version: the info block and the code samples that import `…/2026-04`. */
function normative(version: string): unknown {
  const document = JSON.parse(readFileSync(reference(version), "utf8")) as Record<string, unknown>;
  const { info: _info, ...rest } = document;
  return JSON.parse(JSON.stringify(rest, (key, value) => (key === "x-codeSamples" ? undefined : value)));
}

/**
 * The emulator's answers are validated against Polar's 2026-04 document (`openapi-response-validator`).
 * That check covers 2026-10 only where the two agree, so this pins that they agree everywhere: paths,
 * operations and schemas are identical, only the version label and code samples differ.
 */
describe("Polar's 2026-04 and 2026-10 OpenAPI documents", () => {
  it("agree on every path and schema, so validating against 2026-04 validates against both", () => {
    expect(normative("2026-10")).toEqual(normative("2026-04"));
  });
});
