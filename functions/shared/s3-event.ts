/**
 * S3 event notification messages as S3 puts them on SQS (the transform's input), parsed. The
 * local mode, the bench and the tests build them with scripts/local/s3-notification.ts.
 */
import * as z from "./zod";
import { nonEmptyString, nonNegativeInt } from "./zod";

/**
 * Decodes an S3 notification object key (`+` is a space, then percent-decoding).
 * @throws {Error} When the key is not form-encoded UTF-8 (a stray `%` or a broken sequence).
 */
export function decodeS3EventKey(encodedKey: string): string {
  try {
    return decodeURIComponent(encodedKey.replace(/\+/g, " "));
  } catch {
    throw new Error(
      `object key ${JSON.stringify(encodedKey)} is not encoded as S3 encodes notification keys ` +
        "(a stray % or bytes that are not UTF-8)",
    );
  }
}

/** One object named by an S3 notification, its key already decoded. */
export interface NotifiedObject {
  /** What happened to it, e.g. `ObjectCreated:Put` or `ObjectRemoved:Delete`. */
  eventName: string;
  bucket: string;
  key: string;
  /** Bytes, as S3 states it in every ObjectCreated event; undefined if a message left it out. */
  size: number | undefined;
}

/** What an SQS message from an S3 notification says. */
export type S3NotificationMessage =
  | { kind: "test_event"; bucket: string | undefined }
  | { kind: "objects"; objects: NotifiedObject[] };

const testEventSchema = z.object({
  Event: z.literal("s3:TestEvent"),
  Bucket: z.optional(z.string()),
});
const s3EventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal("aws:s3"),
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: nonEmptyString }),
          object: z.object({ key: nonEmptyString, size: z.optional(nonNegativeInt) }),
        }),
      }),
    )
    .check(z.minLength(1)),
});

/**
 * Parses an SQS message body that S3 sent: a `s3:TestEvent` or event records whose keys are
 * decoded here. An SNS envelope is named as such, since a topic between bucket and queue is a
 * common misconfiguration.
 * @throws {Error} When the body is anything else, naming what was found.
 */
export function parseS3NotificationMessage(body: string): S3NotificationMessage {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new Error(
      `message body is not JSON (expected an S3 event notification): ${body.slice(0, 120)}`,
    );
  }
  if (isSnsEnvelope(message)) {
    throw new Error(
      "message is an SNS notification envelope, not an S3 event notification: the queue must " +
        "receive S3 events directly (or the SNS subscription must use raw message delivery)",
    );
  }
  const testEvent = testEventSchema.safeParse(message);
  if (testEvent.success) return { kind: "test_event", bucket: testEvent.data.Bucket };
  const parsed = s3EventSchema.safeParse(message);
  if (!parsed.success) {
    throw new Error(`message is not an S3 event notification:\n${z.prettifyError(parsed.error)}`);
  }
  return {
    kind: "objects",
    objects: parsed.data.Records.map((record) => ({
      eventName: record.eventName,
      bucket: record.s3.bucket.name,
      key: decodeS3EventKey(record.s3.object.key),
      size: record.s3.object.size,
    })),
  };
}

function isSnsEnvelope(message: unknown): boolean {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { Type?: unknown }).Type === "Notification" &&
    typeof (message as { TopicArn?: unknown }).TopicArn === "string"
  );
}
