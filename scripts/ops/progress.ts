/**
 * Progress of a long operator command (replaying a dead-letter queue, reprocessing snapshots):
 * a bar redrawn in place on a terminal, and plain, rate-limited lines otherwise (CI logs, a
 * pipe to a file), where carriage returns would make a mess.
 */
import { systemClock, type Clock } from "./timing";

/** Where progress goes: stderr in the commands, so stdout keeps only the results. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Reports how far a command has got. */
export interface ProgressReporter {
  /** `done` units of `total` (unknown totals show as a count; a total below `done` grows). */
  update(done: number, total?: number, note?: string): void;
  /** Ends the progress display: a final line, so the summary starts on a fresh line. */
  finish(): void;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressOptions {
  /** What is counted, e.g. `replayed` or `moved`. */
  label: string;
  stream?: ProgressStream;
  clock?: Clock;
  /** Least time between two plain lines; a terminal bar is redrawn at every update. */
  plainIntervalMs?: number;
  /** Width of the bar in characters. */
  width?: number;
}

const DEFAULT_PLAIN_INTERVAL_MS = 2000;
const DEFAULT_WIDTH = 30;

/**
 * One line of progress, e.g. `replayed [###########-------------------] 12/32 37%`; with an
 * unknown total, just the count.
 */
export function renderProgress(
  label: string,
  done: number,
  total: number | undefined,
  width = DEFAULT_WIDTH,
  note?: string,
): string {
  const suffix = note ? ` ${note}` : "";
  if (total === undefined || total <= 0) return `${label} ${done}${suffix}`;
  const ratio = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  return `${label} [${bar}] ${done}/${total} ${Math.floor(ratio * 100)}%${suffix}`;
}

/** A {@link ProgressReporter} writing to a terminal (bar) or a log (lines). */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? systemClock;
  const interval = options.plainIntervalMs ?? DEFAULT_PLAIN_INTERVAL_MS;
  const width = options.width ?? DEFAULT_WIDTH;
  const terminal = stream.isTTY === true;
  let last: { done: number; total: number | undefined; note: string | undefined } | undefined;
  let lastWritten: string | undefined;
  let lastPlainAt = Number.NEGATIVE_INFINITY;
  let finished = false;

  const line = (): string =>
    last ? renderProgress(options.label, last.done, last.total, width, last.note) : "";

  return {
    update(done, total, note) {
      if (finished) return;
      const knownTotal = total === undefined ? last?.total : Math.max(total, done);
      last = { done, total: knownTotal, note };
      const text = line();
      if (terminal) {
        stream.write(`\r\x1b[2K${text}`);
        lastWritten = text;
        return;
      }
      const now = clock();
      if (now - lastPlainAt >= interval && text !== lastWritten) {
        stream.write(`${text}\n`);
        lastWritten = text;
        lastPlainAt = now;
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      if (!last) return;
      const text = line();
      if (terminal) stream.write(`\r\x1b[2K${text}\n`);
      else if (text !== lastWritten) stream.write(`${text}\n`);
    },
  };
}
