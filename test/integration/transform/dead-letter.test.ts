/**
 * Permanent failures reach the dead-letter queue at once; transient ones keep the visibility
 * timeout as their backoff (docs/DESIGN.md, "Event handling"). Over the emulator's real queues,
 * with the redrive policy and visibility timeout Terraform gives the ingest queue.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { jest } from "@jest/globals";
import { objectCreatedMessage } from "../../../scripts/local/s3-notification";
import { lambdaContext } from "../../../scripts/local/lambda-context";
import { handler } from "../../../functions/transform/handler";
import {
  deadLetterQueueAttributes,
  ingestQueueAttributes,
  loadQueueSettings,
} from "../../../scripts/local/queue-settings";
import { lambdaSqsEventFor } from "../../../scripts/local/sqs-event";
import { startEmulator, type Emulator } from "../../support/emulator";
import { listKeys } from "../../support/helpers";

const BUCKET = "lake";
describe("transform handler: how failed records return to the queue", () => {
  const settings = loadQueueSettings();
  let emulator: Emulator;
  let ingest: { queueUrl: string; queueArn: string };
  let dlq: { queueUrl: string; queueArn: string };

  beforeAll(async () => {
    emulator = await startEmulator();
    process.env.DATA_BUCKET = BUCKET;
  });
  afterAll(async () => {
    await emulator.stop();
    delete process.env.DATA_BUCKET;
  });
  beforeEach(() => {
    emulator.server.reset();
    emulator.server.createBucket(BUCKET);
    const suffix = Date.now();
    dlq = emulator.server.createQueue(`dlq-${suffix}`, {
      attributes: deadLetterQueueAttributes(settings),
    });
    ingest = emulator.server.createQueue(`ingest-${suffix}`, {
      attributes: ingestQueueAttributes(settings, dlq.queueArn),
    });
  });

  /** One receive, as the event source mapping polls: what is visible now, nothing waited for. */
  async function receive(queueUrl: string) {
    const { Messages = [] } = await emulator.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    return Messages;
  }

  async function send(body: string): Promise<void> {
    await emulator.sqs.send(
      new SendMessageCommand({ QueueUrl: ingest.queueUrl, MessageBody: body }),
    );
  }

  it("makes a record that can never succeed visible at once, so it is dead-lettered after maxReceiveCount receives in a row", async () => {
    // Prepare
    const key = "raw_data/to_process/not-a-playlist.json";
    await emulator.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ users: [] }) }),
    );
    await send(objectCreatedMessage({ bucket: BUCKET, key, size: 1 }));

    // Act: the poller receives again and again; nothing waits out the 6-minute timeout
    const receiveCounts: string[] = [];
    for (let i = 0; i < settings.maxReceiveCount; i++) {
      const messages = await receive(ingest.queueUrl);
      expect(messages).toHaveLength(1);
      receiveCounts.push(messages[0]!.Attributes!.ApproximateReceiveCount!);
      // A batch whose every record failed throws (ADR 0053): Lambda then retries it whole.
      await expect(
        handler(lambdaSqsEventFor(messages, ingest.queueArn), lambdaContext("transform")),
      ).rejects.toThrow();
    }
    const afterLast = await receive(ingest.queueUrl);

    // Assess
    expect(receiveCounts).toEqual(
      Array.from({ length: settings.maxReceiveCount }, (_, i) => String(i + 1)),
    );
    expect(afterLast).toEqual([]);
    const deadLettered = await receive(dlq.queueUrl);
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]!.Body).toContain("not-a-playlist.json");
  });

  it("dead-letters a chart export with a bad line and leaves the raw file in to_process/, with nothing written", async () => {
    // Prepare: a daily export whose second chart line has no rank
    const key = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
    const csv =
      "\uFEFFrank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
      '1,spotify:track:2OzhQlSqBEmt7hmkYxfT6m,"Taylor Swift, Post Malone",Fortnight,Republic,1,1,5,4592301\n' +
      "x,spotify:track:2GxrNKugF82CnoRFbQfzPf,Artemas,i like the way you kiss me,Artemas,1,2,35,3266544\n";
    await emulator.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: csv }));
    await send(objectCreatedMessage({ bucket: BUCKET, key, size: Buffer.byteLength(csv) }));
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);

    try {
      // Act: the poller receives it maxReceiveCount times
      for (let i = 0; i < settings.maxReceiveCount; i++) {
        const messages = await receive(ingest.queueUrl);
        expect(messages).toHaveLength(1);
        await expect(
          handler(lambdaSqsEventFor(messages, ingest.queueArn), lambdaContext("transform")),
        ).rejects.toThrow();
      }

      // Assess
      expect(await receive(ingest.queueUrl)).toEqual([]);
      const deadLettered = await receive(dlq.queueUrl);
      expect(deadLettered).toHaveLength(1);
      expect(deadLettered[0]!.Body).toContain("regional-global-daily-2026-11-30.csv");
      expect(await listKeys(emulator.s3, BUCKET)).toEqual([key]);
      const logged = error.mock.calls.map(
        ([line]) => JSON.parse(String(line)) as Record<string, unknown>,
      );
      expect(logged).toHaveLength(settings.maxReceiveCount);
      expect(logged[0]).toEqual(
        expect.objectContaining({
          messageId: deadLettered[0]!.MessageId,
          reason: expect.stringContaining(
            'regional-global-daily-2026-11-30.csv line 3: rank must be a positive integer, found "x"',
          ),
        }),
      );
    } finally {
      error.mockRestore();
    }
  });

  it("leaves a transient failure invisible for the visibility timeout, its backoff", async () => {
    // Prepare: S3 answers 503 to the read (a client mock: the emulator cannot be made to fail)
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error("Please reduce your request rate."), {
        name: "SlowDown",
        $fault: "server",
        $metadata: { httpStatusCode: 503 },
      }),
    );
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await send(
        objectCreatedMessage({ bucket: BUCKET, key: "raw_data/to_process/p.json", size: 1 }),
      );
      const messages = await receive(ingest.queueUrl);

      // Act
      // A batch whose every record failed throws (ADR 0053): Lambda then retries it whole.
      await expect(
        handler(lambdaSqsEventFor(messages, ingest.queueArn), lambdaContext("transform")),
      ).rejects.toThrow();

      // Assess
      expect(await receive(ingest.queueUrl)).toEqual([]);
      expect(await receive(dlq.queueUrl)).toEqual([]);
      const logged = error.mock.calls.map(
        ([line]) => JSON.parse(String(line)) as Record<string, unknown>,
      );
      expect(logged).toEqual([
        expect.objectContaining({
          messageId: messages[0]!.MessageId,
          retryable: true,
          reason: "Please reduce your request rate.",
        }),
      ]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      s3.restore();
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
