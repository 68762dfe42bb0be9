import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import {
  MULTIPART_PART_BYTES,
  MULTIPART_THRESHOLD_BYTES,
  s3SnapshotStore,
} from "../../functions/extract/s3-snapshot-store";
import { startEmulator, type Emulator } from "../support/emulator";
import { rejectionOf } from "../support/helpers";

describe("s3SnapshotStore (fauxqs)", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.server.createBucket("store-test");
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("writes a small snapshot in one PUT, typed as JSON", async () => {
    // Prepare
    const store = s3SnapshotStore(emulator.s3, "store-test");

    // Act
    await store.putJson("raw_data/to_process/small.json", '{"items":["é"]}');
    const object = await emulator.s3.send(
      new GetObjectCommand({ Bucket: "store-test", Key: "raw_data/to_process/small.json" }),
    );

    // Assess
    expect(object.ContentType).toBe("application/json");
    expect(await object.Body?.transformToString()).toBe('{"items":["é"]}');
  });

  it("uploads a large snapshot in parts and reassembles it byte for byte", async () => {
    // Prepare
    const entry = JSON.stringify({ name: "Beyoncé – ‘Texas Hold ’Em’", pad: "x".repeat(1000) });
    const count = Math.ceil((MULTIPART_THRESHOLD_BYTES + MULTIPART_PART_BYTES) / entry.length) + 10;
    const body = `{"items":[${Array.from({ length: count }, () => entry).join(",")}]}`;
    const store = s3SnapshotStore(emulator.s3, "store-test");

    // Act
    await store.putJson("raw_data/to_process/large.json", body);
    const object = await emulator.s3.send(
      new GetObjectCommand({ Bucket: "store-test", Key: "raw_data/to_process/large.json" }),
    );

    // Assess
    expect(Buffer.byteLength(body)).toBeGreaterThan(2 * MULTIPART_PART_BYTES);
    expect(object.ContentType).toBe("application/json");
    expect(await object.Body?.transformToString()).toBe(body);
    const uploads = await emulator.s3.send(
      new ListMultipartUploadsCommand({ Bucket: "store-test" }),
    );
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});

describe("s3SnapshotStore when a part fails", () => {
  // Created here, not at load time: mocking S3Client would also capture the emulator's client.
  let s3Mock: AwsClientStub<S3Client>;
  beforeAll(() => {
    s3Mock = mockClient(S3Client);
  });
  afterAll(() => {
    s3Mock.restore();
  });

  it("aborts the upload and rethrows", async () => {
    // Prepare
    s3Mock.onAnyCommand().resolves({});
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: "u-1" });
    s3Mock.on(UploadPartCommand).rejects(new Error("connection reset"));
    const store = s3SnapshotStore(new S3Client({}), "bucket");

    // Act
    const error = await rejectionOf(
      store.putJson("raw_data/to_process/x.json", "x".repeat(MULTIPART_THRESHOLD_BYTES + 1)),
    );

    // Assess
    expect(error.message).toBe("connection reset");
    expect(s3Mock.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: "bucket",
      Key: "raw_data/to_process/x.json",
      UploadId: "u-1",
    });
    expect(s3Mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
