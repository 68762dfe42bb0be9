import { jest } from "@jest/globals";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { objectCreatedMessage, testEventMessage } from "../../scripts/local/s3-notification";
import { UsageError } from "../../scripts/ops/cli";
import {
  formatReplayOutcome,
  replayDeadLetters,
  type ReplayOptions,
} from "../../scripts/ops/replay-dlq";
import { startEmulator, type Emulator } from "../support/emulator";
import { startMotoServer, type MotoServer } from "../support/moto";
import { fakeTime, recordingProgress } from "../support/ops-fakes";

/** Receives (and keeps hidden) everything visible on a queue, with attributes. */
async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageAttributeNames: ["All"],
      }),
    );
    if (!Messages?.length) return all;
    all.push(...Messages);
  }
}

/**
 * Sends `count` S3 notifications, each with a String, a Number and a Binary attribute, and
 * returns the attributes each body was sent with.
 */
async function sendWithAttributes(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
): Promise<Map<string, Record<string, MessageAttributeValue>>> {
  const sent = new Map<string, Record<string, MessageAttributeValue>>();
  for (let index = 0; index < count; index += 1) {
    const body = objectCreatedMessage({
      bucket: "lake",
      key: `raw_data/to_process/pl_${index}.json`,
      size: index,
    });
    const attributes: Record<string, MessageAttributeValue> = {
      origin: { DataType: "String", StringValue: `run ${index}` },
      attempt: { DataType: "Number", StringValue: String(index * 1.5) },
      digest: { DataType: "Binary", BinaryValue: Uint8Array.from([index, 0, 255, 7]) },
    };
    sent.set(body, attributes);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: attributes,
      }),
    );
  }
  return sent;
}

describe("replay-dlq --mode manual, against fauxqs", () => {
  let emulator: Emulator;
  let queueNumber = 0;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  /** A source queue whose redrive policy sends to a fresh DLQ after one receive, like Terraform's (5). */
  function queuePair(sourceAttributes: Record<string, string> = {}) {
    queueNumber += 1;
    const dlq = emulator.server.createQueue(`dlq-${queueNumber}`);
    const source = emulator.server.createQueue(`ingest-${queueNumber}`, {
      attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 1 }),
        ...sourceAttributes,
      },
    });
    return { dlq, source };
  }

  function counts(queueName: string) {
    const state = emulator.server.inspectQueue(queueName)!;
    return {
      ready: state.messages.ready.length,
      inflight: state.messages.inflight.length,
      delayed: state.messages.delayed.length,
    };
  }

  async function putOnDlq(queueUrl: string, bodies: string[]) {
    for (const body of bodies) {
      await emulator.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
  }

  const drain = (queueUrl: string) => drainQueue(emulator.sqs, queueUrl);

  function deps(progress = recordingProgress()) {
    const time = fakeTime();
    const log: string[] = [];
    return {
      deps: {
        sqs: emulator.sqs,
        sleep: time.sleep,
        clock: time.clock,
        log: (line: string) => log.push(line),
        progress: () => progress,
      },
      time,
      log,
      progress,
    };
  }

  const manual = (options: Partial<ReplayOptions> & { dlqUrl: string }): ReplayOptions => ({
    mode: "manual",
    dryRun: false,
    receiveWaitSeconds: 0,
    ...options,
  });

  it("replays 25 dead-lettered messages with string, number and binary attributes exactly once", async () => {
    // Prepare: dead-letter 25 messages for real (receive past maxReceiveCount)
    const { dlq, source } = queuePair();
    const originals = await sendWithAttributes(emulator.sqs, source.queueUrl, 25);
    for (let round = 0; round < 10 && counts(dlq.queueName).ready < 25; round += 1) {
      await emulator.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: source.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(counts(dlq.queueName).ready).toBe(25);
    const { deps: replayDeps, progress } = deps();

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl }),
      replayDeps,
    );

    // Assess
    const arrived = await drain(source.queueUrl);
    expect(arrived).toHaveLength(25);
    expect(new Set(arrived.map((message) => message.Body))).toEqual(new Set(originals.keys()));
    for (const message of arrived) {
      const sent = originals.get(message.Body!)!;
      expect(message.MessageAttributes?.origin?.StringValue).toBe(sent.origin!.StringValue);
      expect(message.MessageAttributes?.attempt).toMatchObject({
        DataType: "Number",
        StringValue: sent.attempt!.StringValue,
      });
      expect(message.MessageAttributes?.digest?.DataType).toBe("Binary");
      expect(Array.from(message.MessageAttributes!.digest!.BinaryValue!)).toEqual(
        Array.from(sent.digest!.BinaryValue!),
      );
    }
    expect(counts(dlq.queueName)).toEqual({ ready: 0, inflight: 0, delayed: 0 });
    expect(outcome.kind).toBe("manual");
    if (outcome.kind !== "manual") return;
    expect(outcome.result).toMatchObject({
      moved: 25,
      failed: [],
      sentNotDeleted: [],
      stoppedBy: "empty",
    });
    expect(outcome.result.left).toEqual({ visible: 0, inFlight: 0 });
    expect(progress.updates.at(-1)).toEqual({ done: 25, total: 25 });
    expect(progress.finished).toBe(true);
    expect(formatReplayOutcome(outcome)).toEqual({
      lines: [expect.stringContaining("moved 25, failed 0, left 0")],
      exitCode: 0,
    });
  });

  it("leaves a message the target refuses in the DLQ, visible again, and loses or duplicates none", async () => {
    // Prepare: the target accepts at most 1 KiB, one dead-lettered message is 2 KiB
    const { dlq, source } = queuePair({ MaximumMessageSize: "1024" });
    const small = Array.from({ length: 11 }, (_, index) => `small message ${index}`);
    const big = `big ${"x".repeat(2048)}`;
    await putOnDlq(dlq.queueUrl, [...small.slice(0, 5), big, ...small.slice(5)]);
    const { deps: replayDeps } = deps();

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl }),
      replayDeps,
    );

    // Assess
    const arrived = await drain(source.queueUrl);
    expect(arrived.map((message) => message.Body).sort()).toEqual([...small].sort());
    const left = emulator.server.inspectQueue(dlq.queueName)!.messages;
    expect(left.inflight).toHaveLength(0); // made visible again at once
    expect(left.ready.map((message) => message.body)).toEqual([big]);
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result.moved).toBe(11);
    expect(outcome.result.failed).toEqual([
      {
        messageId: expect.any(String),
        code: "InvalidParameterValue",
        reason: expect.stringContaining("shorter than 1024"),
      },
    ]);
    expect(outcome.result.left.visible).toBe(1);
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(1);
    expect(report.lines[0]).toContain("moved 11, failed 1, left 1");
  });

  it("stops after --max messages and leaves the rest untouched", async () => {
    // Prepare
    const { dlq, source } = queuePair();
    await putOnDlq(
      dlq.queueUrl,
      Array.from({ length: 25 }, (_, index) => `message ${index}`),
    );
    const { deps: replayDeps, progress } = deps();

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, max: 7 }),
      replayDeps,
    );

    // Assess
    expect(await drain(source.queueUrl)).toHaveLength(7);
    expect(counts(dlq.queueName)).toEqual({ ready: 18, inflight: 0, delayed: 0 });
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result).toMatchObject({
      moved: 7,
      stoppedBy: "max",
      left: { visible: 18, inFlight: 0 },
    });
    expect(progress.updates.at(-1)).toEqual({ done: 7, total: 7 });
  });

  it("paces sends at --rate messages per second (injected clock, no real waiting)", async () => {
    // Prepare
    const { dlq, source } = queuePair();
    await putOnDlq(
      dlq.queueUrl,
      Array.from({ length: 25 }, (_, index) => `paced ${index}`),
    );
    const { deps: replayDeps, time } = deps();

    // Act
    await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, ratePerSecond: 5 }),
      replayDeps,
    );

    // Assess: 10, 20 and 25 messages may go out at 2 s, 4 s and 5 s
    expect(time.sleeps).toEqual([2000, 2000, 1000]);
    expect(await drain(source.queueUrl)).toHaveLength(25);
  });

  it("stops after the current batch on Ctrl-C, leaving the rest in the DLQ", async () => {
    // Prepare
    const { dlq, source } = queuePair();
    await putOnDlq(
      dlq.queueUrl,
      Array.from({ length: 25 }, (_, index) => `interrupted ${index}`),
    );
    const controller = new AbortController();
    const progress = recordingProgress((done) => {
      if (done > 0) controller.abort();
    });
    const { deps: replayDeps } = deps(progress);

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, signal: controller.signal }),
      replayDeps,
    );

    // Assess
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result).toMatchObject({ moved: 10, stoppedBy: "interrupted" });
    expect(formatReplayOutcome(outcome).exitCode).toBe(130);
    expect(await drain(source.queueUrl)).toHaveLength(10);
    expect(counts(dlq.queueName)).toEqual({ ready: 15, inflight: 0, delayed: 0 });
  });

  it("--dry-run counts the messages, shows the S3 keys they point at and moves nothing", async () => {
    // Prepare
    const { dlq, source } = queuePair();
    const keys = Array.from(
      { length: 12 },
      (_, index) => `raw_data/to_process/chart ${index}+(${index}).json`,
    );
    await putOnDlq(dlq.queueUrl, [
      ...keys.map((key) => objectCreatedMessage({ bucket: "lake", key, size: 10 })),
      testEventMessage("lake"),
      "not json at all",
    ]);

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, dryRun: true, sampleSize: 20 }),
      deps().deps,
    );
    const defaultSample = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, dryRun: true, max: 3 }),
      deps().deps,
    );
    // 14 waiting: a second receive asking for 10 instead of the 2 left would sample 14
    const twelve = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl, dryRun: true, sampleSize: 12 }),
      deps().deps,
    );

    // Assess
    expect(counts(dlq.queueName)).toEqual({ ready: 14, inflight: 0, delayed: 0 });
    expect(counts(source.queueName)).toEqual({ ready: 0, inflight: 0, delayed: 0 });
    if (outcome.kind !== "dry-run" || defaultSample.kind !== "dry-run" || twelve.kind !== "dry-run")
      throw new Error("expected dry runs");
    expect(outcome.wouldMove).toBe(14);
    expect(outcome.sample.depth).toEqual({ visible: 14, inFlight: 0 });
    expect(outcome.sample.sample.flatMap((message) => message.s3Objects).sort()).toEqual(
      keys.map((key) => `s3://lake/${key}`).sort(),
    );
    expect(outcome.sample.sample.flatMap((message) => message.other ?? []).sort()).toEqual([
      "not json at all",
      "s3:TestEvent (bucket lake)",
    ]);
    expect(defaultSample.wouldMove).toBe(3);
    expect(defaultSample.sample.sample).toHaveLength(10);
    expect(twelve.sample.sample).toHaveLength(12);
    const report = formatReplayOutcome(outcome);
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual(
      expect.arrayContaining([
        "Dry run: nothing moved.",
        expect.stringContaining("14 message(s) waiting"),
        expect.stringContaining("s3://lake/raw_data/to_process/chart 3+(3).json"),
      ]),
    );
  });

  it("--dry-run in move-task mode says where SQS would send the messages, calling no move-task API", async () => {
    // Prepare
    const { dlq } = queuePair();
    await putOnDlq(dlq.queueUrl, [
      objectCreatedMessage({ bucket: "lake", key: "raw_data/to_process/a.json", size: 1 }),
    ]);

    // Act
    const outcome = await replayDeadLetters(
      { dlqUrl: dlq.queueUrl, mode: "move-task", dryRun: true, receiveWaitSeconds: 0 },
      deps().deps,
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: "dry-run",
      wouldMove: 1,
      target: "the queue each message was dead-lettered from",
    });
    expect(counts(dlq.queueName).ready).toBe(1);
  });

  it("without --target-url fails clearly: fauxqs has no ListDeadLetterSourceQueues", async () => {
    // Prepare
    const { dlq } = queuePair();
    await putOnDlq(dlq.queueUrl, ["anything"]);

    // Act
    const replay = replayDeadLetters(manual({ dlqUrl: dlq.queueUrl }), deps().deps);

    // Assess
    await expect(replay).rejects.toThrow(UsageError);
    await expect(replay).rejects.toThrow(/--target-url/);
    expect(counts(dlq.queueName).ready).toBe(1);
  });

  it("is not fooled by a batch whose every entry fails: nothing is deleted", async () => {
    // Prepare: every message is too big for the target
    const { dlq, source } = queuePair({ MaximumMessageSize: "1024" });
    await putOnDlq(
      dlq.queueUrl,
      Array.from({ length: 3 }, (_, index) => `${index} ${"y".repeat(1500)}`),
    );
    const sent: unknown[] = [];
    const realSend = emulator.sqs.send.bind(emulator.sqs);
    const spy = jest.spyOn(emulator.sqs, "send").mockImplementation(((command: unknown) => {
      if (command instanceof SendMessageBatchCommand) sent.push(command.input);
      return realSend(command as never);
    }) as never);

    // Act
    const outcome = await replayDeadLetters(
      manual({ dlqUrl: dlq.queueUrl, targetUrl: source.queueUrl }),
      deps().deps,
    );
    spy.mockRestore();

    // Assess: each message was tried once in this run, then released
    if (outcome.kind !== "manual") throw new Error("expected a manual replay");
    expect(outcome.result.failed).toHaveLength(3);
    expect(sent).toHaveLength(1);
    expect(counts(dlq.queueName)).toEqual({ ready: 3, inflight: 0, delayed: 0 });
    expect(counts(source.queueName).ready).toBe(0);
  });
});

// fauxqs has no ListDeadLetterSourceQueues, which finds the default target; moto's server has.
// moto has no StartMessageMoveTask, so --mode move-task without --target-url (SQS itself sends
// each message back where it came from) is left to the client mocks of replay-move-task.test.ts.
describe("replay-dlq --mode manual without --target-url, against moto", () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  beforeAll(async () => {
    moto = await startMotoServer();
    sqs = new SQSClient({ endpoint: moto.endpoint, region: "us-east-1" });
  });
  afterAll(async () => {
    sqs.destroy();
    await moto.stop();
  });

  async function createQueue(name: string, attributes: Record<string, string> = {}) {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    return QueueUrl!;
  }

  it("replays into the DLQ's source queue, bodies and attributes unchanged", async () => {
    // Prepare: a source queue whose redrive policy names the DLQ, 12 messages on the DLQ
    const dlqUrl = await createQueue("ingest-dlq");
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    const sourceUrl = await createQueue("ingest", {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: Attributes!.QueueArn,
        maxReceiveCount: 5,
      }),
    });
    const sent = await sendWithAttributes(sqs, dlqUrl, 12);
    const time = fakeTime();

    // Act
    const outcome = await replayDeadLetters(
      { dlqUrl, mode: "manual", dryRun: false, receiveWaitSeconds: 0 },
      {
        sqs,
        sleep: time.sleep,
        clock: time.clock,
        log: () => {},
        progress: () => recordingProgress(),
      },
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: "manual",
      target: sourceUrl,
      result: { moved: 12, failed: [], sentNotDeleted: [], left: { visible: 0, inFlight: 0 } },
    });
    const arrived = await drainQueue(sqs, sourceUrl);
    expect(arrived.map((message) => message.Body).sort()).toEqual([...sent.keys()].sort());
    for (const message of arrived) {
      const attributes = sent.get(message.Body!)!;
      expect(message.MessageAttributes).toEqual({
        origin: { DataType: "String", StringValue: attributes.origin!.StringValue },
        attempt: { DataType: "Number", StringValue: attributes.attempt!.StringValue },
        digest: { DataType: "Binary", BinaryValue: attributes.digest!.BinaryValue },
      });
    }
    expect(await drainQueue(sqs, dlqUrl)).toEqual([]);
  });
});
