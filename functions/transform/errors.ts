/**
 * The transform's errors. Each says whether trying the same record again can help: a permanent
 * failure (not a playlist, too large, a key the transform must not touch) goes to the
 * dead-letter queue at once instead of waiting out every visibility timeout; a transient one
 * (S3 unavailable, throttling) keeps Lambda's retries with backoff.
 */

import { PipelineError } from "../shared/errors";

/**
 * Base of the transform's own errors: `retryable` says whether a retry of the record can help
 * (true: a transient fault; false: the same record never will succeed).
 */
export class TransformError extends PipelineError {
  override name = "TransformError";
}

/** A transform error that no retry of the record can fix: the record goes to the dead-letter queue. */
class FinalTransformError extends TransformError {
  override name = "FinalTransformError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, ...options });
  }
}

/** The function's environment is wrong; the message lists every problem. Final until fixed. */
export class TransformConfigError extends TransformError {
  override name = "TransformConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Transform configuration is invalid: ${problems.join("; ")}`, { retryable: false });
  }
}

/** A raw object that cannot be transformed as it is (wrong key, missing, too large); final. */
export class UnprocessableObjectError extends FinalTransformError {
  override name = "UnprocessableObjectError";
}

/** A document that is not a playlist in any accepted shape, or holds a malformed track; final. */
export class InvalidSnapshotError extends FinalTransformError {
  override name = "InvalidSnapshotError";
}

/** An SQS message body that is not an S3 event notification the transform can act on; final. */
export class UnreadableMessageError extends FinalTransformError {
  override name = "UnreadableMessageError";
}

/**
 * Some of a snapshot's tables could not be written. Retryable when the write failure was (an
 * S3 fault usually is). `leftBehind` lists outputs of this attempt that cleanup could not
 * remove, each with why.
 */
export class TableWriteError extends TransformError {
  override name = "TableWriteError";
  readonly leftBehind: readonly { key: string; reason: string }[];

  constructor(
    message: string,
    options: { cause: unknown; leftBehind: readonly { key: string; reason: string }[] },
  ) {
    super(message, { retryable: isRetryable(options.cause), cause: options.cause });
    this.leftBehind = options.leftBehind;
  }
}

/**
 * Whether a record that failed with `error` may succeed if tried again. The transform's own
 * errors say so themselves; anything else (an AWS SDK or network error) counts as transient,
 * unless the SDK marks it as a client fault that a retry repeats (access denied, no such bucket).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TransformError) return error.retryable;
  if (error instanceof AggregateError) return error.errors.some(isRetryable);
  const fault = (error as { $fault?: unknown } | null)?.$fault;
  const name = (error as { name?: unknown } | null)?.name;
  return !(fault === "client" && typeof name === "string" && PERMANENT_SDK_ERRORS.has(name));
}

/** AWS errors that the same request repeats however often it is retried. */
const PERMANENT_SDK_ERRORS = new Set(["AccessDenied", "NoSuchBucket", "InvalidObjectState"]);

/**
 * A Spotify Charts CSV export that breaks the contract (docs/DESIGN.md, "Chart files"): its name,
 * its header or one of its lines; the message names the line and what was found. Final.
 */
export class InvalidChartFileError extends FinalTransformError {
  override name = "InvalidChartFileError";
}
