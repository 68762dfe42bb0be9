import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { UsageError } from "../../scripts/ops/cli";
import {
  formatReplayOutcome,
  replayDeadLetters,
  type ReplayOptions,
} from "../../scripts/ops/replay-dlq";
import { fakeTime, recordingProgress } from "../support/ops-fakes";

// fauxqs has no StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask: mocked.
describe("replay-dlq --mode move-task", () => {
  const DLQ_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/etl-ingest-dlq";
  const DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:etl-ingest-dlq";
  const TARGET_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/etl-other";
  const TARGET_ARN = "arn:aws:sqs:eu-west-1:123456789012:etl-other";
  const sqs = new SQSClient({ region: "eu-west-1" });
  const sqsMock = mockClient(sqs);

  beforeEach(() => {
    sqsMock.reset();
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
      .resolves({ Attributes: { QueueArn: DLQ_ARN } })
      .on(GetQueueAttributesCommand, { QueueUrl: TARGET_URL })
      .resolves({ Attributes: { QueueArn: TARGET_ARN } })
      .on(StartMessageMoveTaskCommand)
      .resolves({ TaskHandle: "task-1" });
  });

  function setup(onSleep?: (count: number) => void) {
    const time = fakeTime();
    const progress = recordingProgress();
    const log: string[] = [];
    let sleeps = 0;
    return {
      time,
      progress,
      log,
      deps: {
        sqs,
        clock: time.clock,
        sleep: async (ms: number, signal?: AbortSignal) => {
          sleeps += 1;
          onSleep?.(sleeps);
          await time.sleep(ms, signal);
        },
        log: (line: string) => log.push(line),
        progress: () => progress,
      },
    };
  }

  const options = (extra: Partial<ReplayOptions> = {}): ReplayOptions => ({
    dlqUrl: DLQ_URL,
    mode: "move-task",
    dryRun: false,
    pollIntervalMs: 3000,
    ...extra,
  });

  const task = (status: string, moved: number, extra: Record<string, unknown> = {}) => ({
    Results: [
      {
        Status: status,
        SourceArn: DLQ_ARN,
        ApproximateNumberOfMessagesMoved: moved,
        ApproximateNumberOfMessagesToMove: 40,
        ...(status === "RUNNING" ? { TaskHandle: "task-1" } : {}),
        ...extra,
      },
    ],
  });

  it("starts a task back to the source queue, follows its progress and reports completion", async () => {
    // Prepare
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce(task("RUNNING", 0))
      .resolvesOnce(task("RUNNING", 25))
      .resolves(task("COMPLETED", 40));
    const { deps, progress, time } = setup();

    // Act
    const outcome = await replayDeadLetters(options({ ratePerSecond: 50 }), deps);

    // Assess
    const start = sqsMock.commandCalls(StartMessageMoveTaskCommand);
    expect(start).toHaveLength(1);
    expect(start[0]!.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      MaxNumberOfMessagesPerSecond: 50,
    });
    expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)[0]!.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      MaxResults: 1,
    });
    expect(progress.updates).toEqual([
      { done: 0, total: 40 },
      { done: 25, total: 40 },
      { done: 40, total: 40 },
    ]);
    expect(progress.finished).toBe(true);
    expect(time.sleeps).toEqual([3000, 3000]);
    expect(outcome).toMatchObject({
      kind: "move-task",
      result: { status: "COMPLETED", moved: 40, toMove: 40 },
    });
    expect(formatReplayOutcome(outcome)).toEqual({
      lines: [
        "Move task completed: 40 of 40 message(s) moved to the queue each message was dead-lettered from.",
      ],
      exitCode: 0,
    });
    expect(sqsMock.commandCalls(CancelMessageMoveTaskCommand)).toHaveLength(0);
  });

  it("sends to --target-url by its ARN when one is given", async () => {
    // Prepare
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolves(task("COMPLETED", 40, { DestinationArn: TARGET_ARN }));
    const { deps } = setup();

    // Act
    const outcome = await replayDeadLetters(options({ targetUrl: TARGET_URL }), deps);

    // Assess
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: TARGET_ARN,
    });
    expect(outcome).toMatchObject({ target: TARGET_URL, result: { status: "COMPLETED" } });
  });

  it("reports a FAILED task with SQS's reason and a non-zero exit code", async () => {
    // Prepare
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce(task("RUNNING", 3))
      .resolves(task("FAILED", 12, { FailureReason: "AWS.SimpleQueueService.NonExistentQueue" }));
    const { deps } = setup();

    // Act
    const outcome = await replayDeadLetters(options(), deps);

    // Assess
    expect(outcome).toMatchObject({
      result: {
        status: "FAILED",
        moved: 12,
        failureReason: "AWS.SimpleQueueService.NonExistentQueue",
      },
    });
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(1);
    expect(report.lines[0]).toBe(
      "Move task FAILED after moving 12 of 40 message(s): AWS.SimpleQueueService.NonExistentQueue",
    );
  });

  it("ends the wait when the task is cancelled elsewhere (console, another shell)", async () => {
    // Prepare: SQS drops the handle once the task is no longer running
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce(task("RUNNING", 1))
      .resolves(task("CANCELLED", 3));
    const { deps } = setup((count) => {
      if (count > 2) throw new Error("still polling a cancelled task");
    });

    // Act
    const outcome = await replayDeadLetters(options(), deps);

    // Assess
    expect(outcome).toMatchObject({ result: { status: "CANCELLED", moved: 3 } });
    expect(sqsMock.commandCalls(CancelMessageMoveTaskCommand)).toHaveLength(0);
    expect(formatReplayOutcome(outcome).exitCode).toBe(130);
  });

  it("refuses to report another move task's progress as its own", async () => {
    // Prepare: someone started a task of their own after ours ended
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce(task("RUNNING", 5, { TaskHandle: "task-2" }))
      .resolves(task("COMPLETED", 40));

    // Act
    const replay = replayDeadLetters(options(), setup().deps);

    // Assess
    await expect(replay).rejects.toThrow("another move task (task-2)");
  });

  it("cancels the task on Ctrl-C and says how many moved", async () => {
    // Prepare: the abort arrives during the second wait between polls
    const controller = new AbortController();
    sqsMock.on(ListMessageMoveTasksCommand).resolves(task("RUNNING", 7));
    sqsMock.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 9 });
    const { deps, log } = setup((count) => {
      if (count === 2) controller.abort();
    });

    // Act
    const outcome = await replayDeadLetters(options({ signal: controller.signal }), deps);

    // Assess
    expect(
      sqsMock.commandCalls(CancelMessageMoveTaskCommand).map((call) => call.args[0].input),
    ).toEqual([{ TaskHandle: "task-1" }]);
    expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(2);
    expect(log).toContain("Cancelling move task task-1...");
    expect(outcome).toMatchObject({ result: { status: "CANCELLED", moved: 9 } });
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(130);
    expect(report.lines[0]).toContain("Move task cancelled: 9 message(s) had moved");
  });

  it("reports how the task ended when it finished just before the cancel", async () => {
    // Prepare
    const controller = new AbortController();
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce(task("RUNNING", 30))
      .resolves(task("COMPLETED", 40));
    sqsMock
      .on(CancelMessageMoveTaskCommand)
      .rejects(
        Object.assign(new Error("Task does not exist"), { name: "ResourceNotFoundException" }),
      );
    const { deps } = setup(() => controller.abort());

    // Act
    const outcome = await replayDeadLetters(options({ signal: controller.signal }), deps);

    // Assess
    expect(outcome).toMatchObject({ result: { status: "COMPLETED", moved: 40 } });
  });

  it("refuses --max: a move task cannot stop after a count", async () => {
    // Act
    const replay = replayDeadLetters(options({ max: 5 }), setup().deps);

    // Assess
    await expect(replay).rejects.toThrow(UsageError);
    await expect(replay).rejects.toThrow("use --mode manual --max 5");
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it("fails clearly when StartMessageMoveTask is refused (e.g. a queue that is no DLQ)", async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).rejects(
      Object.assign(new Error("Source queue must be configured as a Dead Letter Queue."), {
        name: "InvalidParameterValueException",
      }),
    );

    // Act
    const replay = replayDeadLetters(options(), setup().deps);

    // Assess
    await expect(replay).rejects.toThrow("Source queue must be configured as a Dead Letter Queue.");
    expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(0);
  });
});
