import process from "node:process";

/**
 * Prints one plain closing line, `jest: N passed, N failed[, N skipped]`, after Jest's own
 * summary, so CI logs can be read by tools that do not parse Jest's output.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `jest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
    );
  }
}
