// Prints vitest's JSON results as the one plain line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when anything failed, or when nothing ran at all.
import { readFileSync } from "node:fs";

const results = JSON.parse(readFileSync(process.argv[2], "utf8"));
const passed = results.numPassedTests ?? 0;
const failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
const failedSuites = (results.testResults ?? []).filter(
  (suite) => suite.status === "failed" && suite.assertionResults.length === 0,
);
for (const suite of failedSuites) console.error(`suite failed to run: ${suite.name}: ${suite.message ?? ""}`);
const failedTotal = failed + failedSuites.length;
console.log(`${passed} passed, ${failedTotal} failed, ${skipped} skipped`);
process.exit(failedTotal > 0 || passed === 0 ? 1 : 0);
