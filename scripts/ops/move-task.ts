/**
 * Replays a dead-letter queue with an SQS message move task (DLQ redrive): SQS moves the
 * messages itself, bodies and attributes unchanged, at an optional fixed rate. We start the
 * task, follow it until it ends, and cancel it on Ctrl-C.
 */
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { ProgressReporter } from "./progress";
import type { Sleep } from "./timing";

/** Options of {@link replayWithMoveTask}. */
export interface MoveTaskOptions {
  /** ARN of the dead-letter queue (a move task's source must be a DLQ of an SQS queue). */
  dlqArn: string;
  /** ARN of the target; omitted, SQS returns each message to the queue it was dead-lettered from. */
  destinationArn?: string;
  /** `MaxNumberOfMessagesPerSecond` (1 to 500); omitted, SQS picks the rate. */
  ratePerSecond?: number;
  /** Time between two `ListMessageMoveTasks` polls. */
  pollIntervalMs?: number;
  /** Aborting (Ctrl-C) cancels the task. */
  signal?: AbortSignal;
}

/** What {@link replayWithMoveTask} needs from outside. */
export interface MoveTaskDeps {
  sqs: SQSClient;
  progress: ProgressReporter;
  sleep: Sleep;
  /** Informational lines (the task handle, a cancellation). */
  log: (line: string) => void;
}

/** How a move task ended. */
export interface MoveTaskResult {
  status: "COMPLETED" | "FAILED" | "CANCELLED";
  taskHandle: string;
  /** Messages moved, as SQS approximates it. */
  moved: number;
  /** Messages the task set out to move, when SQS said. */
  toMove?: number;
  /** SQS's reason, when the task failed. */
  failureReason?: string;
}

/** Highest `MaxNumberOfMessagesPerSecond` SQS accepts. */
export const MAX_MOVE_TASK_RATE = 500;
/** Default time between two polls of the task's progress. */
const DEFAULT_POLL_INTERVAL_MS = 5000;

/** Starts a move task and follows it to its end; cancels it when `signal` aborts. */
export async function replayWithMoveTask(
  options: MoveTaskOptions,
  deps: MoveTaskDeps,
): Promise<MoveTaskResult> {
  const { sqs, progress, sleep, log } = deps;
  const started = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: options.dlqArn,
      DestinationArn: options.destinationArn,
      MaxNumberOfMessagesPerSecond: options.ratePerSecond,
    }),
  );
  const taskHandle = started.TaskHandle;
  if (!taskHandle) throw new Error("StartMessageMoveTask returned no TaskHandle");
  log(`Started move task ${taskHandle}`);

  try {
    for (;;) {
      if (options.signal?.aborted) return await cancel(sqs, taskHandle, options.dlqArn, log);
      const task = await currentTask(sqs, options.dlqArn, taskHandle);
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      const toMove = task.ApproximateNumberOfMessagesToMove;
      progress.update(moved, toMove);
      const ended = endedResult(task, taskHandle);
      if (ended) return ended;
      await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, options.signal);
    }
  } finally {
    progress.finish();
  }
}

/**
 * The most recent move task of the DLQ. Only one task runs per source queue at a time and
 * we just started one, so the most recent is ours; SQS shows the handle only while it runs.
 */
async function currentTask(
  sqs: SQSClient,
  dlqArn: string,
  taskHandle: string,
): Promise<ListMessageMoveTasksResultEntry> {
  const { Results } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }),
  );
  const task = Results?.[0];
  if (!task) throw new Error(`ListMessageMoveTasks shows no task for ${dlqArn}`);
  if (task.TaskHandle && task.TaskHandle !== taskHandle) {
    throw new Error(`another move task (${task.TaskHandle}) is now the most recent on ${dlqArn}`);
  }
  return task;
}

function endedResult(
  task: ListMessageMoveTasksResultEntry,
  taskHandle: string,
): MoveTaskResult | undefined {
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const toMove = task.ApproximateNumberOfMessagesToMove;
  const common = { taskHandle, moved, ...(toMove === undefined ? {} : { toMove }) };
  switch (task.Status) {
    case "COMPLETED":
      return { status: "COMPLETED", ...common };
    case "FAILED":
      return {
        status: "FAILED",
        ...common,
        failureReason: task.FailureReason ?? "SQS gave no reason",
      };
    case "CANCELLED":
      return { status: "CANCELLED", ...common }; // cancelled elsewhere (console, another shell)
    default:
      return undefined; // RUNNING, CANCELLING
  }
}

async function cancel(
  sqs: SQSClient,
  taskHandle: string,
  dlqArn: string,
  log: (line: string) => void,
): Promise<MoveTaskResult> {
  log(`Cancelling move task ${taskHandle}...`);
  try {
    const { ApproximateNumberOfMessagesMoved } = await sqs.send(
      new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle }),
    );
    return { status: "CANCELLED", taskHandle, moved: ApproximateNumberOfMessagesMoved ?? 0 };
  } catch (error) {
    // The task may have ended between the last poll and the cancel: report how it ended.
    const { Results } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }),
    );
    const ended = Results?.[0] && endedResult(Results[0], taskHandle);
    if (ended) return ended;
    throw error;
  }
}
