import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { UsageError } from "../../scripts/ops/cli";
import { replayManually } from "../../scripts/ops/manual-replay";
import {
  formatReplayOutcome,
  replayDeadLetters,
  type ReplayOptions,
} from "../../scripts/ops/replay-dlq";
import { fakeTime, recordingProgress } from "../support/ops-fakes";

// Error branches the emulators cannot produce on demand. The default target found by
// ListDeadLetterSourceQueues is replayed into over the wire (moto) in replay-manual.test.ts.
describe("replay-dlq --mode manual error branches", () => {
  const DLQ_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/etl-ingest-dlq";
  const SOURCE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/etl-ingest";
  const sqs = new SQSClient({ region: "eu-west-1" });
  const sqsMock = mockClient(sqs);
  const messages = [1, 2, 3].map((n) => ({
    MessageId: `m${n}`,
    ReceiptHandle: `r${n}`,
    Body: `body ${n}`,
  }));

  beforeEach(() => {
    sqsMock.reset();
    sqsMock
      .on(GetQueueAttributesCommand)
      .resolves({
        Attributes: {
          ApproximateNumberOfMessages: "3",
          ApproximateNumberOfMessagesNotVisible: "0",
        },
      })
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages })
      .resolves({})
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({ Successful: [], Failed: [] });
  });

  const deps = () => {
    const time = fakeTime();
    return {
      sqs,
      sleep: time.sleep,
      clock: time.clock,
      log: () => {},
      progress: () => recordingProgress(),
    };
  };
  const options = (extra: Partial<ReplayOptions> = {}): ReplayOptions => ({
    dlqUrl: DLQ_URL,
    targetUrl: SOURCE_URL,
    mode: "manual",
    dryRun: false,
    ...extra,
  });

  it.each([
    [[], /No queue uses .* as its dead-letter queue.*--target-url/],
    [[SOURCE_URL, `${SOURCE_URL}-2`], /2 queues use .*choose one with --target-url/],
  ])("asks for --target-url when the DLQ has %j as sources", async (queueUrls, message) => {
    // Prepare
    sqsMock.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls });

    // Act
    const replay = replayDeadLetters(options({ targetUrl: undefined }), deps());

    // Assess
    await expect(replay).rejects.toThrow(UsageError);
    await expect(replay).rejects.toThrow(message);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it("stops, deletes nothing and releases the batch when SendMessageBatch itself fails", async () => {
    // Prepare
    sqsMock
      .on(SendMessageBatchCommand)
      .rejects(Object.assign(new Error("Access denied"), { name: "AccessDenied" }));

    // Act
    const outcome = await replayDeadLetters(options(), deps());

    // Assess
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    const released = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input;
    expect(
      released.Entries?.map((entry) => [entry.ReceiptHandle, entry.VisibilityTimeout]),
    ).toEqual([
      ["r1", 0],
      ["r2", 0],
      ["r3", 0],
    ]);
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result).toMatchObject({ moved: 0, stoppedBy: "send-error" });
    expect(outcome.result.failed.map((failure) => failure.messageId)).toEqual(["m1", "m2", "m3"]);
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(1);
    expect(report.lines).toContain(
      `Stopped by an error: SendMessageBatch to ${SOURCE_URL} failed: AccessDenied: Access denied`,
    );
  });

  it("reports a sent message whose delete failed, and never sends it twice when it comes back", async () => {
    // Prepare: m2's delete fails; SQS delivers m2 again later in the run
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages })
      .resolvesOnce({ Messages: [{ ...messages[1]!, ReceiptHandle: "r2-again" }] })
      .resolves({});
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: "0" }, { Id: "1" }, { Id: "2" }] as never });
    sqsMock
      .on(DeleteMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: "0" }, { Id: "2" }],
        Failed: [{ Id: "1", Code: "InternalError", SenderFault: false }],
      })
      .resolves({ Successful: [{ Id: "0" }] });

    // Act
    const outcome = await replayDeadLetters(options(), deps());

    // Assess
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    const deletes = sqsMock
      .commandCalls(DeleteMessageBatchCommand)
      .map((call) => call.args[0].input.Entries);
    expect(deletes[1]).toEqual([{ Id: "0", ReceiptHandle: "r2-again" }]);
    expect(outcome).toMatchObject({ result: { moved: 3, failed: [], sentNotDeleted: [] } });
  });

  it("warns about a sent message it could not delete at all", async () => {
    // Prepare
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: "0" }, { Id: "1" }, { Id: "2" }] as never });
    sqsMock.on(DeleteMessageBatchCommand).rejects(new Error("network down"));

    // Act
    const outcome = await replayDeadLetters(options(), deps());

    // Assess
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result).toMatchObject({ moved: 0, sentNotDeleted: ["m1", "m2", "m3"] });
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(1);
    expect(report.lines.at(-1)).toContain(
      "3 message(s) reached the target but could not be deleted",
    );
  });

  it("copies the body and only the type and value of each attribute", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: "m1",
            ReceiptHandle: "r1",
            Body: "payload",
            MessageAttributes: {
              a: {
                DataType: "String",
                StringValue: "x",
                StringListValues: [],
                BinaryListValues: [],
              },
              b: { DataType: "Binary.custom", BinaryValue: Uint8Array.from([1, 2]) },
            },
          },
        ],
      })
      .resolves({});
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: "0" }] as never });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: "0" }] });

    // Act
    await replayDeadLetters(options(), deps());

    // Assess
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries).toEqual([
      {
        Id: "0",
        MessageBody: "payload",
        MessageAttributes: {
          a: { DataType: "String", StringValue: "x" },
          b: { DataType: "Binary.custom", BinaryValue: Uint8Array.from([1, 2]) },
        },
      },
    ]);
    const receive = sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
    expect(receive).toMatchObject({
      MessageAttributeNames: ["All"],
      WaitTimeSeconds: 5,
      VisibilityTimeout: 120,
    });
  });

  it.each([
    [{ dlqUrl: `${DLQ_URL}.fifo` }, /FIFO.*--mode move-task/],
    [{ targetUrl: `${SOURCE_URL}.fifo` }, /FIFO.*--mode move-task/],
    [{ targetUrl: DLQ_URL }, "--target-url is the dead-letter queue itself"],
  ])("refuses %j before touching a queue", async (extra, message) => {
    // Act
    const replay = replayDeadLetters(options(extra), deps());

    // Assess
    await expect(replay).rejects.toThrow(UsageError);
    await expect(replay).rejects.toThrow(message);
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it("counts an entry SendMessageBatch reports neither way as failed, and releases it", async () => {
    // Prepare: m1 sent, m2 refused, m3 missing from the answer
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: "0" }] as never,
      Failed: [{ Id: "1", Code: "InvalidMessageContents", SenderFault: true }],
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: "0" }] });

    // Act
    const outcome = await replayDeadLetters(options(), deps());

    // Assess
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result).toMatchObject({ moved: 1, sentNotDeleted: [] });
    expect(outcome.result.failed.map((failure) => [failure.messageId, failure.code])).toEqual([
      ["m2", "InvalidMessageContents"],
      ["m3", "NotReported"],
    ]);
    const released = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input;
    expect(released.Entries?.map((entry) => entry.ReceiptHandle)).toEqual(["r2", "r3"]);
    expect(formatReplayOutcome(outcome).exitCode).toBe(1);
  });

  it("releases a failed message SQS delivers again by its new receipt handle, without resending it", async () => {
    // Prepare: m2 is refused, then comes back in the same run with a new handle
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages })
      .resolvesOnce({ Messages: [{ ...messages[1]!, ReceiptHandle: "r2-again" }] })
      .resolves({});
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: "0" }, { Id: "2" }] as never,
      Failed: [{ Id: "1", Code: "InvalidMessageContents", SenderFault: true }],
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: "0" }, { Id: "1" }] });

    // Act
    await replayDeadLetters(options(), deps());

    // Assess
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    const released = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input;
    expect(released.Entries?.map((entry) => entry.ReceiptHandle)).toEqual(["r2-again"]);
  });

  it("--dry-run makes what it sampled visible again when a later receive fails", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages })
      .rejects(new Error("network down"));

    // Act
    const replay = replayDeadLetters(options({ dryRun: true }), deps());

    // Assess
    await expect(replay).rejects.toThrow("network down");
    const released = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input;
    expect(released.Entries?.map((entry) => entry.ReceiptHandle)).toEqual(["r1", "r2", "r3"]);
  });

  it("--dry-run warns about a single sampled message SQS did not make visible again", async () => {
    // Prepare
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({
      Successful: [{ Id: "0" }, { Id: "2" }],
      Failed: [{ Id: "1", Code: "ReceiptHandleIsInvalid", SenderFault: true }],
    });

    // Act
    const outcome = await replayDeadLetters(options({ dryRun: true }), deps());

    // Assess
    expect(formatReplayOutcome(outcome).lines.at(-1)).toBe(
      "Warning: 1 sampled message(s) could not be made visible again at once; " +
        "they reappear within 30 seconds.",
    );
  });

  it("refuses a visibility timeout equal to the receive wait: a failed message would loop", async () => {
    // Act
    const replay = replayManually(
      {
        dlqUrl: DLQ_URL,
        targetUrl: SOURCE_URL,
        receiveWaitSeconds: 5,
        visibilityTimeoutSeconds: 5,
      },
      { sqs, ...fakeTime(), progress: recordingProgress() },
    );

    // Assess
    await expect(replay).rejects.toThrow("must exceed the receive wait");
    expect(sqsMock.calls()).toHaveLength(0);
  });
});
