/**
 * The dry run of a replay: how many messages the dead-letter queue holds and what a sample of
 * them points at, leaving every message where it was.
 */
import {
  parseS3NotificationMessage,
  type S3NotificationMessage,
} from "../../functions/shared/s3-event";
import { makeVisibleNow } from "../../functions/transform/fast-dead-letter";
import { ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
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
function describeDeadLetterBody(body: string | undefined): Omit<SampledMessage, "messageId"> {
  const text = body ?? "";
  let message: S3NotificationMessage;
  try {
    message = parseS3NotificationMessage(text);
  } catch {
    return { s3Objects: [], other: preview(text) };
  }
  if (message.kind === "test_event") {
    return { s3Objects: [], other: `s3:TestEvent (bucket ${message.bucket ?? "?"})` };
  }
  return { s3Objects: message.objects.map((object) => `s3://${object.bucket}/${object.key}`) };
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
 * Makes received messages visible again now (visibility timeout 0). Returns how many SQS
 * refused; those become visible when their visibility timeout ends instead.
 */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: ReadonlyArray<Pick<Message, "ReceiptHandle">>,
): Promise<number> {
  const handles = messages.map((message) => message.ReceiptHandle);
  return (await makeVisibleNow(sqs, queueUrl, handles)).length;
}

function preview(text: string): string {
  return text.length > RAW_BODY_PREVIEW_CHARS
    ? `${text.slice(0, RAW_BODY_PREVIEW_CHARS)}...`
    : text;
}
