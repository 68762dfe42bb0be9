/** Fakes for the operator-command tests: a recording progress reporter and a fake clock. */
import type { ProgressReporter } from "../../scripts/ops/progress";
import type { Clock, Sleep } from "../../scripts/ops/timing";

/** A progress reporter that records what it was told. */
export function recordingProgress(onUpdate?: (done: number) => void): ProgressReporter & {
  updates: { done: number; total: number | undefined }[];
  finished: boolean;
} {
  const reporter = {
    updates: [] as { done: number; total: number | undefined }[],
    finished: false,
    update(done: number, total?: number) {
      reporter.updates.push({ done, total });
      onUpdate?.(done);
    },
    finish() {
      reporter.finished = true;
    },
  };
  return reporter;
}

/** A clock that only moves when the fake sleep is called, and records every sleep. */
export function fakeTime(start = 0): { clock: Clock; sleep: Sleep; sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
  };
}
