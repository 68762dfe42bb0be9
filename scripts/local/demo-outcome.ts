/** Whether a `make demo` run showed what it is meant to show: its exit code. */
import type { ExtractRun } from "./pipeline";

/**
 * Why a demo run failed (exit code 1), or nothing: an extract run that failed, or a dead-letter
 * queue holding other than `expectedDeadLetters` (the failure demo's poison object, else none).
 */
export function demoFailures(
  extractRuns: readonly ExtractRun[],
  deadLetters: readonly string[],
  expectedDeadLetters: readonly string[],
): string[] {
  const failed = extractRuns.filter((run) => run.error).length;
  const sorted = (keys: readonly string[]) => JSON.stringify([...keys].sort());
  return [
    ...(failed ? [`${failed}/${extractRuns.length} extract runs failed`] : []),
    ...(sorted(deadLetters) === sorted(expectedDeadLetters)
      ? []
      : [
          `the dead-letter queue holds ${deadLetters.length} message(s), expected ${expectedDeadLetters.length}`,
        ]),
  ];
}
