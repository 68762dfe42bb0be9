/**
 * The dry run of a replay: how many messages the dead-letter queue holds and what a sample of
 * them points at, leaving every message where it was.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { decodeS3EventKey } from "../../functions/shared/s3-event";
import { queueDepthOf, type QueueDepth } from "./queues";

/** What one dead-lettered message is about. */
export interface SampledMessage {
  messageId: string;
  /** `s3://bucket/key` of each record of an S3 notification (keys decoded). */
  s3Objects: string[];
  /** The `s3:TestEvent` marker, or the raw body (shortened) when the body is not S3's. */
  other?: string;
}

/** What the dry run found. */
export interface DeadLetterSample {
  depth: QueueDepth;
  sample: SampledMessage[];
  /** Sampled messages SQS refused to make visible again (they reappear when their timeout ends). */
  notReleased: number;
}

/** Options of {@link sampleDeadLetters}. */
export interface SampleOptions {
  dlqUrl: string;
  /** At most this many messages are looked at. */
  sampleSize?: number;
  /** Long-polling wait of each receive, seconds (0 to 20). */
  receiveWaitSeconds?: number;
  /** How long sampled messages stay hidden if returning them fails (they are returned at once). */
  visibilityTimeoutSeconds?: number;
}

const DEFAULT_SAMPLE_SIZE = 10;
const RAW_BODY_PREVIEW_CHARS = 200;

/**
 * What a dead-lettered body points at: the decoded object keys of an S3 event notification
 * (the transform's input), or the body itself for anything else.
 */
export function describeDeadLetterBody(
  body: string | undefined,
): Omit<SampledMessage, "messageId"> {
  const text = body ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { s3Objects: [], other: preview(text) };
  }
  if (isRecord(parsed) && parsed.Event === "s3:TestEvent") {
    return { s3Objects: [], other: `s3:TestEvent (bucket ${String(parsed.Bucket ?? "?")})` };
  }
  const records = isRecord(parsed) && Array.isArray(parsed.Records) ? parsed.Records : undefined;
  const s3Objects = (records ?? []).flatMap((record: unknown) => {
    const s3 = isRecord(record) && isRecord(record.s3) ? record.s3 : undefined;
    const bucket = s3 && isRecord(s3.bucket) ? s3.bucket.name : undefined;
    const key = s3 && isRecord(s3.object) ? s3.object.key : undefined;
    return typeof key === "string" ? [`s3://${String(bucket ?? "?")}/${safeDecode(key)}`] : [];
  });
  return s3Objects.length > 0 ? { s3Objects } : { s3Objects: [], other: preview(text) };
}

/**
 * Counts the dead-letter queue and looks at up to `sampleSize` messages, then makes every
 * sampled message visible again at once: nothing moves. (Receiving does add one to each
 * sampled message's receive count, which nothing on a dead-letter queue acts on.)
 */
export async function sampleDeadLetters(
  options: SampleOptions,
  sqs: SQSClient,
): Promise<DeadLetterSample> {
  const depth = await queueDepthOf(sqs, options.dlqUrl);
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const received: Message[] = [];
  try {
    while (received.length < sampleSize) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.dlqUrl,
          MaxNumberOfMessages: Math.min(10, sampleSize - received.length),
          WaitTimeSeconds: options.receiveWaitSeconds ?? 1,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
        }),
      );
      if (!Messages || Messages.length === 0) break;
      received.push(...Messages);
    }
  } catch (error) {
    await releaseMessages(sqs, options.dlqUrl, received); // return what was sampled, then fail
    throw error;
  }
  const notReleased = await releaseMessages(sqs, options.dlqUrl, received);
  return {
    depth,
    sample: received.map((message) => ({
      messageId: message.MessageId ?? "?",
      ...describeDeadLetterBody(message.Body),
    })),
    notReleased,
  };
}

/**
 * Makes received messages visible again now (visibility timeout 0), 10 per call. Returns how
 * many SQS refused; those become visible when their visibility timeout ends instead.
 */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: ReadonlyArray<Pick<Message, "ReceiptHandle">>,
): Promise<number> {
  let refused = 0;
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    try {
      const { Failed } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      refused += Failed?.length ?? 0;
    } catch {
      refused += chunk.length;
    }
  }
  return refused;
}

function preview(text: string): string {
  return text.length > RAW_BODY_PREVIEW_CHARS
    ? `${text.slice(0, RAW_BODY_PREVIEW_CHARS)}...`
    : text;
}

function safeDecode(key: string): string {
  try {
    return decodeS3EventKey(key);
  } catch {
    return key; // a malformed escape: show it as it came
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
