import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { startEmulator, type Emulator } from "../support/emulator";

describe("the in-process emulator", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("serves S3 and SQS over HTTP", async () => {
    // Prepare
    emulator.server.createBucket("smoke");
    const { queueUrl } = emulator.server.createQueue("smoke-queue");

    // Act
    await emulator.s3.send(
      new PutObjectCommand({ Bucket: "smoke", Key: "a/b c.json", Body: "{}" }),
    );
    const object = await emulator.s3.send(
      new GetObjectCommand({ Bucket: "smoke", Key: "a/b c.json" }),
    );
    await emulator.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello" }));
    const received = await emulator.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    // Assess
    expect(await object.Body?.transformToString()).toBe("{}");
    expect(received.Messages?.[0]?.Body).toBe("hello");
  });
});
