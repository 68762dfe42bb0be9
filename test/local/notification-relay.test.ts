import { jest } from "@jest/globals";
import { CopyObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { parseS3NotificationMessage } from "../../functions/shared/s3-event";
import { NotificationRelay } from "../../scripts/local/notification-relay";
import { startEmulator, type Emulator } from "../support/emulator";

describe("the local notification relay", () => {
  const BUCKET = "relay-lake";
  const QUEUE = "relay-ingest";
  let emulator: Emulator;
  let queueUrl: string;
  let relay: NotificationRelay;

  const createQueue = async () =>
    (await emulator.sqs.send(new CreateQueueCommand({ QueueName: QUEUE }))).QueueUrl!;
  const put = (key: string) =>
    emulator.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "{}" }));
  /** The object keys (or `s3:TestEvent`) of every message on the queue. */
  const notified = async () => {
    const { Messages = [] } = await emulator.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    return Messages.flatMap((message) => {
      const parsed = parseS3NotificationMessage(message.Body!);
      return parsed.kind === "objects"
        ? parsed.objects.map((object) => `${object.eventName} ${object.key}`)
        : ["s3:TestEvent"];
    });
  };

  beforeEach(async () => {
    emulator = await startEmulator({ recordS3Events: true });
    emulator.server.createBucket(BUCKET);
    queueUrl = await createQueue();
    relay = new NotificationRelay(emulator, BUCKET, queueUrl);
  });
  afterEach(async () => {
    await relay.stop().catch(() => {});
    await emulator.stop();
    jest.restoreAllMocks();
  });

  it("keeps relaying after a failed send, and sends the failed notification at the next flush", async () => {
    // Prepare: the relay running, its queue gone for a while
    const logged = jest.spyOn(console, "error");
    const timerFlushFailed = new Promise<void>((resolve) =>
      logged.mockImplementation(() => resolve()),
    );
    await relay.start(5);
    expect(await notified()).toEqual(["s3:TestEvent"]);
    await emulator.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    await put("raw_data/to_process/a.json");
    await expect(relay.flush()).rejects.toThrow();
    await timerFlushFailed; // the timer's flushes fail too, and say they retry

    // Act
    expect(await createQueue()).toBe(queueUrl);
    await put("raw_data/to_process/b.json");
    await relay.flush();

    // Assess
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^notification relay: .*retrying/));
    expect((await notified()).sort()).toEqual([
      "ObjectCreated:Put raw_data/to_process/a.json",
      "ObjectCreated:Put raw_data/to_process/b.json",
    ]);
    expect(relay.sent).toBe(2);
    await relay.stop();
  });

  it("notifies a copy into to_process/ once, as ObjectCreated:Copy (what make reprocess does)", async () => {
    // Prepare
    await relay.start();
    await put("raw_data/processed/a.json");
    await relay.flush();
    expect(await notified()).toEqual(["s3:TestEvent"]);

    // Act
    await emulator.s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: "raw_data/to_process/a.json",
        CopySource: `${BUCKET}/raw_data/processed/a.json`,
      }),
    );
    await relay.flush();

    // Assess
    expect(await notified()).toEqual(["ObjectCreated:Copy raw_data/to_process/a.json"]);
  });
});
