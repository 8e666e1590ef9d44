import { describe, expect, inject, it } from "vitest";
import { formatReport, runChaos } from "./chaos.js";

const postgresUrl = inject("postgresUrl");

/**
 * `npm run chaos` for 30 s, PostgreSQL only: skipped locally without a server, a failure under CI
 * (the global setup refuses to run without one). Only exactness is asserted; the timings depend on
 * how loaded the machine is and are printed.
 */
(postgresUrl ? describe : describe.skip)("three instances SIGKILLed at random under 32 clients", () => {
  it("lose and double nothing: the ledger verifies, balances and usage equal what was acknowledged", async () => {
    const report = await runChaos({ seconds: 30, postgresUrl: postgresUrl! });
    console.log(formatReport(report));
    expect(report.problems).toEqual([]);
    expect(report.kills).toBeGreaterThan(0);
    expect(report.spends.acknowledged).toBeGreaterThan(0);
    expect(report.events.acknowledged).toBeGreaterThan(0);
  }, 600_000);
});
