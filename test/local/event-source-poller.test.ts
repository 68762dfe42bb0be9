import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { drainQueue, type SqsHandler } from "../../scripts/local/event-source-poller";
import { queueArnOf } from "../../scripts/ops/queues";
import { startEmulator, type Emulator } from "../support/emulator";

describe("drainQueue (the local SQS event source mapping)", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("returns a failed record to the queue at once, waits for one in flight, and counts the failure", async () => {
    // Prepare: "late" in flight for 3 s (an earlier receive's; a margin for a busy machine),
    // the queue's own timeout 10 s
    const { sqs } = emulator;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "poller", Attributes: { VisibilityTimeout: "10" } }),
    );
    const send = (body: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await send("late");
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 3 }));
    await send("m1");
    const delivered: string[] = [];
    // Fails m1 the first time only.
    const handler: SqsHandler = ({ Records }) => {
      const firstTimes = Records.filter((record) => !delivered.includes(record.body));
      delivered.push(...Records.map((record) => record.body));
      return Promise.resolve({
        batchItemFailures: firstTimes
          .filter((record) => record.body === "m1")
          .map((record) => ({ itemIdentifier: record.messageId })),
      });
    };

    // Act
    const stats = await drainQueue({
      sqs,
      queueUrl: QueueUrl!,
      queueArn: await queueArnOf(sqs, QueueUrl!),
      handler,
      batchSize: 10,
      functionTimeoutSeconds: 30,
      waitTimeSeconds: 0,
    });

    // Assess: m1 again before "late" comes back, not after the queue's 10 s
    expect(delivered).toEqual(["m1", "m1", "late"]);
    expect(stats).toMatchObject({ recordFailures: 1, recordsSucceeded: 2 });
  });
});
