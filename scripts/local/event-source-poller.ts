/**
 * Plays Lambda's SQS event source mapping in the local mode: long-polls the ingest queue in
 * batches, invokes the transform handler, deletes what succeeded and leaves the
 * `batchItemFailures` (or the whole batch, when the handler throws) on the queue, whose
 * redrive policy moves a message to the dead-letter queue after `maxReceiveCount` receives.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { queueDepthOf } from "../ops/queues";
import { lambdaContext } from "./lambda-context";
import { lambdaSqsEventFor } from "./sqs-event";

/** A function Lambda would invoke with an SQS event. */
export type SqsHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

/** What the poller did. */
export interface PollerStats {
  batches: number;
  recordsDelivered: number;
  recordsSucceeded: number;
  recordFailures: number;
}

/** Options of {@link drainQueue}. */
export interface DrainOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  batchSize: number;
  /** The handler's timeout, for its context's `getRemainingTimeInMillis()`. */
  functionTimeoutSeconds: number;
  /** Long-poll wait per receive; short locally so the demo ends promptly. */
  waitTimeSeconds?: number;
  /** Called before the poller decides the queue is drained (e.g. the notification relay's flush). */
  beforeIdleCheck?: () => Promise<void>;
  onBatch?: (records: number, failures: number) => void;
}

/**
 * Feeds the queue's messages to the handler until the queue holds nothing visible or in
 * flight. Failed messages are made visible again at once (ChangeMessageVisibility 0) rather
 * than after the 6-minute visibility timeout Lambda would wait out, so `maxReceiveCount`
 * retries, and the redrive to the dead-letter queue, happen within seconds.
 */
export async function drainQueue(options: DrainOptions): Promise<PollerStats> {
  const stats: PollerStats = {
    batches: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    recordFailures: 0,
  };
  for (;;) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) {
      await options.beforeIdleCheck?.();
      const depth = await queueDepthOf(options.sqs, options.queueUrl);
      if (depth.visible + depth.inFlight === 0) return stats;
      continue;
    }
    const failedIds = await invoke(options, Messages);
    stats.batches += 1;
    stats.recordsDelivered += Messages.length;
    stats.recordFailures += failedIds.size;
    stats.recordsSucceeded += Messages.length - failedIds.size;
    options.onBatch?.(Messages.length, failedIds.size);
    await settle(options, Messages, failedIds);
  }
}

async function invoke(options: DrainOptions, messages: Message[]): Promise<Set<string>> {
  const event = lambdaSqsEventFor(messages, options.queueArn);
  try {
    const response = await options.handler(
      event,
      lambdaContext("transform", options.functionTimeoutSeconds * 1000),
    );
    return failedMessageIds(
      response,
      messages.map((message) => message.MessageId!),
    );
  } catch {
    // A thrown handler fails the whole batch, as with Lambda.
    return new Set(messages.map((message) => message.MessageId!));
  }
}

/**
 * The messages of a batch that Lambda's SQS event source mapping (ReportBatchItemFailures) leaves
 * on the queue, given the function's response, as Lambda documents it ("Success and failure
 * conditions"): none for a null response or a null or empty `batchItemFailures`; the whole batch
 * when an `itemIdentifier` is empty, null or not the id of a message in the batch.
 */
export function failedMessageIds(response: unknown, batchIds: readonly string[]): Set<string> {
  const failures = (response as { batchItemFailures?: unknown } | null | undefined)
    ?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  const batch = new Set(batchIds);
  if (!Array.isArray(failures)) return batch;
  const ids = failures.map(
    (failure) => (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier,
  );
  return ids.every((id) => typeof id === "string" && batch.has(id))
    ? new Set(ids as string[])
    : batch;
}

async function settle(
  options: DrainOptions,
  messages: Message[],
  failedIds: Set<string>,
): Promise<void> {
  const entries = messages.map((message, index) => ({
    Id: String(index),
    ReceiptHandle: message.ReceiptHandle!,
  }));
  const succeeded = entries.filter((_, index) => !failedIds.has(messages[index]!.MessageId!));
  const failed = entries.filter((_, index) => failedIds.has(messages[index]!.MessageId!));
  if (succeeded.length) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: succeeded }),
    );
  }
  if (failed.length) {
    await options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: failed.map((entry) => ({ ...entry, VisibilityTimeout: 0 })),
      }),
    );
  }
}
