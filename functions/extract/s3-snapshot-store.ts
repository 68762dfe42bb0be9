/** The S3 side of {@link RawSnapshotStore}: one `PutObject` per raw snapshot, typed as JSON. */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RawSnapshotStore } from "./extract-playlists";

/** Content type of raw snapshots. */
export const RAW_SNAPSHOT_CONTENT_TYPE = "application/json";

/** Writes raw snapshots to `bucket` through `s3` (created once per cold start by the handler). */
export function s3SnapshotStore(s3: S3Client, bucket: string): RawSnapshotStore {
  return {
    async putJson(key, body) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: RAW_SNAPSHOT_CONTENT_TYPE,
        }),
      );
    },
  };
}
