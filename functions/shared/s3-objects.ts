/** Small S3 API details that more than one caller needs. */
import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";

/** The `CopySource` of a CopyObject call: `bucket/key`, the key URL-encoded with its slashes kept. */
export function copySourceFor(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Whether an S3 error says the object does not exist (`NoSuchKey` on GET, `NotFound` on HEAD). */
export function isMissingObjectError(error: unknown): boolean {
  return error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound");
}

/**
 * The object's HEAD, or undefined when it does not exist.
 * @throws {Error} Any other S3 error (access denied, throttling...).
 */
export async function headObjectIfExists(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isMissingObjectError(error)) return undefined;
    throw error;
  }
}
