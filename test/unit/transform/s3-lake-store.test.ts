/**
 * S3LakeStore's answers to what the emulators cannot produce (a throttled copy, a bucket whose
 * versioning is suspended) and the CopyObject input itself; its success paths run over the wire
 * in test/integration/transform/race.test.ts.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "node:stream";
import { S3LakeStore } from "../../../functions/transform/s3-lake-store";

const s3 = mockClient(S3Client);
const lake = new S3LakeStore(new S3Client({}), "lake");
const [from, to] = ["raw_data/to_process/a.json", "raw_data/processed/a.json"];

describe("S3LakeStore", () => {
  beforeEach(() => s3.reset());

  it("fails a move whose copy S3 refused, even when processed/ already holds the key", async () => {
    // Prepare: not "another delivery moved it", which only a missing source means
    s3.on(CopyObjectCommand).rejects(Object.assign(new Error("Slow Down"), { name: "SlowDown" }));
    s3.on(HeadObjectCommand).resolves({});

    // Act
    const act = lake.move(from, to);

    // Assess
    await expect(act).rejects.toThrow("Slow Down");
  });

  it("copies without the source's tags, which would need s3:GetObjectTagging", async () => {
    // Prepare
    s3.on(CopyObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});

    // Act
    await lake.move(from, to);

    // Assess
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
      TaggingDirective: "REPLACE",
    });
  });

  it('reports no version for a write S3 answers with version "null" (versioning suspended)', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ VersionId: "null" });

    // Act
    const written = await lake.write("transformed_data/x.parquet", new Uint8Array(1), "t");

    // Assess: cleanup must never delete by version "null", which may be another delivery's
    expect(written).toEqual({});
  });

  it("refuses an object grown past the cap and releases its body unread", async () => {
    // Prepare: replaced by a larger one after the notification's size was checked
    const body = Readable.from([Buffer.alloc(10)]);
    s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(body), ContentLength: 10 });

    // Act
    const act = lake.read(from, { maxBytes: 9 });

    // Assess: the connection goes back to the pool instead of waiting for a body nobody reads
    await expect(act).rejects.toThrow(/over the cap/);
    expect(body.destroyed).toBe(true);
  });
});
