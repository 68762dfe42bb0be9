/** Small S3 API details that more than one caller needs. */

/** The `CopySource` of a CopyObject call: `bucket/key`, the key URL-encoded with its slashes kept. */
export function copySourceFor(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Whether an S3 error says the object does not exist (`NoSuchKey` on GET, `NotFound` on HEAD). */
export function isMissingObjectError(error: unknown): boolean {
  return error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound");
}
