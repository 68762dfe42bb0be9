/**
 * The S3 side of {@link RawSnapshotStore}: one `PutObject` per raw snapshot, typed as JSON;
 * a snapshot larger than {@link MULTIPART_THRESHOLD_BYTES} (a playlist of thousands of
 * entries) goes up as a multipart upload, aborted if any part fails, so no partial object
 * ever appears under `raw_data/to_process/`.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { RawSnapshotStore } from "./extract-playlists";

/** Content type of raw snapshots. */
export const RAW_SNAPSHOT_CONTENT_TYPE = "application/json";
/** Bodies above this size are uploaded in parts. */
export const MULTIPART_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Size of each part but the last (S3's minimum is 5 MiB). */
export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

/** Writes raw snapshots to `bucket` through `s3` (created once per cold start by the handler). */
export function s3SnapshotStore(s3: S3Client, bucket: string): RawSnapshotStore {
  return {
    async putJson(key, body) {
      const bytes = Buffer.byteLength(body);
      if (bytes <= MULTIPART_THRESHOLD_BYTES) {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: RAW_SNAPSHOT_CONTENT_TYPE,
          }),
        );
        return;
      }
      await putMultipart(s3, bucket, key, Buffer.from(body, "utf8"));
    },
  };
}

async function putMultipart(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
): Promise<void> {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ContentType: RAW_SNAPSHOT_CONTENT_TYPE,
    }),
  );
  if (!UploadId) throw new Error(`S3 returned no upload id for ${key}`);
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let offset = 0, partNumber = 1; offset < body.length; offset += MULTIPART_PART_BYTES) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: partNumber,
          Body: body.subarray(offset, offset + MULTIPART_PART_BYTES),
        }),
      );
      if (!ETag) throw new Error(`S3 returned no ETag for part ${partNumber} of ${key}`);
      parts.push({ ETag, PartNumber: partNumber });
      partNumber += 1;
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // Best effort: an upload left behind is invisible to readers and removed by the bucket's
    // lifecycle rule for incomplete uploads.
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}
