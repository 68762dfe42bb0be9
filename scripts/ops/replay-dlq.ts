/**
 * `npm run replay-dlq` / `make replay-dlq`: moves dead-lettered messages back to a queue, by an
 * SQS move task (default) or by hand, or only looks at them (`--dry-run`). The command line,
 * the choice of target and the report live here; the two ways of moving live in
 * `move-task.ts` and `manual-replay.ts`.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { EXIT, parseFlags, parseIntegerFlag, requireFlag, UsageError } from "./cli";
import { sampleDeadLetters, type DeadLetterSample } from "./dlq-sample";
import {
  DEFAULT_RECEIVE_WAIT_SECONDS,
  replayManually,
  type ManualReplayResult,
} from "./manual-replay";
import { MAX_MOVE_TASK_RATE, replayWithMoveTask, type MoveTaskResult } from "./move-task";
import type { ProgressReporter } from "./progress";
import { queueArnOf, sourceQueueOf } from "./queues";
import type { Clock, Sleep } from "./timing";

/** The two ways of replaying. */
const REPLAY_MODES = ["move-task", "manual"] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/** What to replay, and how. */
export interface ReplayOptions {
  dlqUrl: string;
  /** Omitted: the DLQ's source queue. */
  targetUrl?: string;
  mode: ReplayMode;
  dryRun: boolean;
  /** Manual mode only: stop after this many messages. */
  max?: number;
  /** Messages per second (move task: `MaxNumberOfMessagesPerSecond`; manual: paced sends). */
  ratePerSecond?: number;
  /** Ctrl-C: cancel the move task, or stop the manual replay after its current batch. */
  signal?: AbortSignal;
  /** Tuning, mostly for tests: receive wait (s), move-task poll interval (ms), sample size. */
  receiveWaitSeconds?: number;
  pollIntervalMs?: number;
  sampleSize?: number;
}

/** What {@link replayDeadLetters} needs from outside. */
export interface ReplayDeps {
  sqs: SQSClient;
  sleep: Sleep;
  clock: Clock;
  /** Informational lines (stderr in the command). */
  log: (line: string) => void;
  /** A progress display for `label` (stderr in the command). */
  progress: (label: string) => ProgressReporter;
}

/** What a replay did, by kind. */
export type ReplayOutcome =
  | {
      kind: "dry-run";
      mode: ReplayMode;
      dlqUrl: string;
      target: string;
      sample: DeadLetterSample;
      /** How many messages a real run would move now. */
      wouldMove: number;
    }
  | { kind: "move-task"; dlqUrl: string; target: string; result: MoveTaskResult }
  | { kind: "manual"; dlqUrl: string; target: string; result: ManualReplayResult };

export const REPLAY_USAGE = `Usage: npm run replay-dlq -- --dlq-url URL [--target-url URL] [--mode move-task|manual]
                            [--dry-run] [--max N] [--rate N]
  --dlq-url URL      the dead-letter queue (make replay-dlq fills it from Terraform)
  --target-url URL   where messages go; default: the DLQ's source queue
  --mode MODE        move-task (default): an SQS message move task; manual: receive, send, delete
                     (for emulators, or with --max to move only some messages)
  --dry-run          count the messages and show the S3 keys of a sample; nothing moves
  --max N            manual mode only: stop after N messages
  --rate N           at most N messages per second (move task: 1-${MAX_MOVE_TASK_RATE})`;

/** Reads the replay command line (`--dlq-url ...`); throws {@link UsageError} on mistakes. */
export function parseReplayArgs(argv: string[]): ReplayOptions | "help" {
  const { values, positionals } = parseFlags(
    argv,
    {
      "dlq-url": { type: "string" },
      "target-url": { type: "string" },
      mode: { type: "string" },
      "dry-run": { type: "boolean" },
      max: { type: "string" },
      rate: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    REPLAY_USAGE,
  );
  if (values.help) return "help";
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]}\n\n${REPLAY_USAGE}`);
  }
  const mode = values.mode ?? "move-task";
  if (!(REPLAY_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode must be move-task or manual, got ${JSON.stringify(mode)}`);
  }
  const targetUrl = values["target-url"]?.trim();
  return {
    dlqUrl: requireFlag(values["dlq-url"], "dlq-url", "dead_letter_queue_url"),
    ...(targetUrl ? { targetUrl } : {}),
    mode: mode as ReplayMode,
    dryRun: values["dry-run"] ?? false,
    max: parseIntegerFlag(values.max, "max", { min: 1 }),
    ratePerSecond: parseIntegerFlag(values.rate, "rate", {
      min: 1,
      ...(mode === "move-task" ? { max: MAX_MOVE_TASK_RATE } : {}),
    }),
  };
}

/** Checks option combinations that cannot work, before anything touches a queue. */
function checkReplayOptions(options: ReplayOptions): void {
  if (options.mode === "move-task" && options.max !== undefined) {
    throw new UsageError(
      "--max does not work with --mode move-task: an SQS message move task moves every " +
        "message in the dead-letter queue and cannot stop after a count. To move only some " +
        `messages, use --mode manual --max ${options.max}.`,
    );
  }
  if (options.targetUrl !== undefined && options.targetUrl === options.dlqUrl) {
    throw new UsageError("--target-url is the dead-letter queue itself; nothing would move.");
  }
  if (
    options.mode === "manual" &&
    [options.dlqUrl, options.targetUrl].some((url) => url?.endsWith(".fifo"))
  ) {
    throw new UsageError(
      "--mode manual does not replay FIFO queues (it would lose message groups and " +
        "deduplication ids); use --mode move-task.",
    );
  }
}

/** Replays (or, with `dryRun`, inspects) the dead-letter queue as the options say. */
export async function replayDeadLetters(
  options: ReplayOptions,
  deps: ReplayDeps,
): Promise<ReplayOutcome> {
  checkReplayOptions(options);
  const { sqs } = deps;
  const dlqUrl = options.dlqUrl;

  if (options.mode === "move-task") {
    const dlqArn = await queueArnOf(sqs, dlqUrl);
    const destinationArn = options.targetUrl ? await queueArnOf(sqs, options.targetUrl) : undefined;
    const target = options.targetUrl ?? "the queue each message was dead-lettered from";
    if (options.dryRun) return dryRun(options, deps, target);
    deps.log(
      `Moving messages from ${dlqUrl} to ${target}` +
        (options.ratePerSecond ? ` at ${options.ratePerSecond}/s` : "") +
        " (Ctrl-C cancels the move task)",
    );
    const result = await replayWithMoveTask(
      {
        dlqArn,
        ...(destinationArn ? { destinationArn } : {}),
        ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
        ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      { sqs, sleep: deps.sleep, log: deps.log, progress: deps.progress("moved") },
    );
    return { kind: "move-task", dlqUrl, target, result };
  }

  const target = options.targetUrl ?? (await sourceQueueOf(sqs, dlqUrl));
  if (options.dryRun) return dryRun(options, deps, target);
  deps.log(
    `Replaying messages from ${dlqUrl} to ${target}` +
      (options.max ? ` (at most ${options.max})` : "") +
      " (Ctrl-C stops after the current batch)",
  );
  const result = await replayManually(
    {
      dlqUrl,
      targetUrl: target,
      receiveWaitSeconds: options.receiveWaitSeconds ?? DEFAULT_RECEIVE_WAIT_SECONDS,
      ...(options.max ? { max: options.max } : {}),
      ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    { sqs, sleep: deps.sleep, clock: deps.clock, progress: deps.progress("replayed") },
  );
  return { kind: "manual", dlqUrl, target, result };
}

async function dryRun(
  options: ReplayOptions,
  deps: ReplayDeps,
  target: string,
): Promise<ReplayOutcome> {
  const sample = await sampleDeadLetters(
    {
      dlqUrl: options.dlqUrl,
      ...(options.sampleSize ? { sampleSize: options.sampleSize } : {}),
      ...(options.receiveWaitSeconds !== undefined
        ? { receiveWaitSeconds: options.receiveWaitSeconds }
        : {}),
    },
    deps.sqs,
  );
  const visible = sample.depth.visible;
  return {
    kind: "dry-run",
    mode: options.mode,
    dlqUrl: options.dlqUrl,
    target,
    sample,
    wouldMove: options.max === undefined ? visible : Math.min(options.max, visible),
  };
}

/** The report printed after a replay (stdout), and the command's exit code. */
export function formatReplayOutcome(outcome: ReplayOutcome): { lines: string[]; exitCode: number } {
  switch (outcome.kind) {
    case "dry-run":
      return { lines: formatDryRun(outcome), exitCode: EXIT.ok };
    case "move-task":
      return formatMoveTask(outcome.result, outcome.target);
    case "manual":
      return formatManual(outcome.result, outcome.target);
  }
}

function formatDryRun(outcome: Extract<ReplayOutcome, { kind: "dry-run" }>): string[] {
  const { depth, sample, notReleased } = outcome.sample;
  const lines = [
    `Dry run: nothing moved.`,
    `Dead-letter queue ${outcome.dlqUrl}: ${depth.visible} message(s) waiting, ${depth.inFlight} in flight.`,
    `A real run (--mode ${outcome.mode}) would move ${outcome.wouldMove} to ${outcome.target}.`,
  ];
  if (sample.length === 0) {
    lines.push("No message could be sampled.");
  } else {
    lines.push(`Sample of ${sample.length} message(s):`);
    for (const message of sample) {
      const what =
        message.s3Objects.length > 0
          ? message.s3Objects.join(", ")
          : `(not an S3 event) ${message.other ?? ""}`;
      lines.push(`  ${message.messageId}  ${what}`);
    }
  }
  if (notReleased > 0) {
    lines.push(
      `Warning: ${notReleased} sampled message(s) could not be made visible again at once; ` +
        "they reappear within 30 seconds.",
    );
  }
  return lines;
}

function formatMoveTask(
  result: MoveTaskResult,
  target: string,
): { lines: string[]; exitCode: number } {
  const count =
    result.toMove === undefined ? `${result.moved}` : `${result.moved} of ${result.toMove}`;
  switch (result.status) {
    case "COMPLETED":
      return {
        lines: [`Move task completed: ${count} message(s) moved to ${target}.`],
        exitCode: EXIT.ok,
      };
    case "FAILED":
      return {
        lines: [
          `Move task FAILED after moving ${count} message(s): ${result.failureReason ?? "no reason given"}`,
          "The rest are still in the dead-letter queue. Fix the cause, then run the replay again.",
        ],
        exitCode: EXIT.failed,
      };
    case "CANCELLED":
      return {
        lines: [
          `Move task cancelled: ${result.moved} message(s) had moved to ${target}; ` +
            "the rest are still in the dead-letter queue.",
        ],
        exitCode: EXIT.interrupted,
      };
  }
}

function formatManual(
  result: ManualReplayResult,
  target: string,
): { lines: string[]; exitCode: number } {
  const lines = [
    `Replay ${describeStop(result)}: moved ${result.moved}, failed ${result.failed.length}, ` +
      `left ${result.left.visible} in the dead-letter queue` +
      (result.left.inFlight > 0 ? ` (+${result.left.inFlight} in flight)` : "") +
      ` (target ${target}).`,
  ];
  if (result.error) lines.push(`Stopped by an error: ${result.error}`);
  if (result.failed.length > 0) {
    lines.push("Not moved (still in the dead-letter queue, visible again):");
    for (const failure of result.failed) {
      lines.push(`  ${failure.messageId}  ${failure.code}: ${failure.reason}`);
    }
  }
  if (result.sentNotDeleted.length > 0) {
    lines.push(
      `Warning: ${result.sentNotDeleted.length} message(s) reached the target but could not be ` +
        "deleted from the dead-letter queue; they reappear there when their visibility timeout " +
        "ends. Replaying them again delivers them twice, which the transform absorbs " +
        `(idempotent outputs): ${result.sentNotDeleted.join(", ")}`,
    );
  }
  const exitCode =
    result.failed.length > 0 || result.sentNotDeleted.length > 0 || result.error
      ? EXIT.failed
      : result.stoppedBy === "interrupted"
        ? EXIT.interrupted
        : EXIT.ok;
  return { lines, exitCode };
}

function describeStop(result: ManualReplayResult): string {
  switch (result.stoppedBy) {
    case "empty":
      return "finished (no message left to try)";
    case "max":
      return "stopped at --max";
    case "interrupted":
      return "interrupted";
    case "send-error":
      return "stopped";
  }
}
