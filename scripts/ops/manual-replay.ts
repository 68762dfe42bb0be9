/**
 * Replays a dead-letter queue by hand: receive, send to the target, delete. For emulators
 * (which lack SQS move tasks) and for moving only some messages (`--max`).
 *
 * Safety rules, in order of importance:
 * - A message is deleted from the dead-letter queue only after its own send succeeded, so a
 *   failure never loses one.
 * - A message whose send failed stays in the dead-letter queue. It is kept hidden for the rest
 *   of the run (so this run tries it once and does not loop on a message the target refuses),
 *   then made visible again at once (visibility timeout 0), ready for inspection or another run.
 * - A message that was sent but whose delete failed is remembered: if SQS delivers it again in
 *   the same run it is deleted without being sent twice. Any still undeleted at the end are
 *   reported; they reappear in the dead-letter queue after the visibility timeout, and replaying
 *   them again would deliver a duplicate, which the transform absorbs (its outputs are a pure
 *   function of the raw key).
 * - When a whole SendMessageBatch call fails (after the SDK's own retries) the run stops: the
 *   batch counts as failed and stays in the dead-letter queue.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { errorText } from "./cli";
import { releaseMessages } from "./dlq-sample";
import type { ProgressReporter } from "./progress";
import { queueDepthOf, type QueueDepth } from "./queues";
import type { Clock, Sleep } from "./timing";

/** Options of {@link replayManually}. */
export interface ManualReplayOptions {
  dlqUrl: string;
  targetUrl: string;
  /** Stop after this many messages were tried (moved or failed). */
  max?: number;
  /** At most this many messages per second. */
  ratePerSecond?: number;
  /** Long-polling wait of each receive, seconds (0 to 20); an empty receive ends the run. */
  receiveWaitSeconds?: number;
  /**
   * How long a received message stays hidden: long enough for its send and delete, and for the
   * rest of the run when its send failed. Must exceed `receiveWaitSeconds`.
   */
  visibilityTimeoutSeconds?: number;
  /** Aborting (Ctrl-C) stops after the current batch. */
  signal?: AbortSignal;
}

/** What {@link replayManually} needs from outside. */
export interface ManualReplayDeps {
  sqs: SQSClient;
  progress: ProgressReporter;
  sleep: Sleep;
  clock: Clock;
}

/** A message that could not be sent and stays in the dead-letter queue. */
export interface FailedMessage {
  messageId: string;
  code: string;
  reason: string;
}

/** Why the run ended. */
export type ManualStop = "empty" | "max" | "interrupted" | "send-error";

/** What a manual replay did. */
export interface ManualReplayResult {
  /** Sent to the target and deleted from the dead-letter queue. */
  moved: number;
  /** Could not be sent; still in the dead-letter queue. */
  failed: FailedMessage[];
  /** Sent, but still in the dead-letter queue (delete failed): may arrive twice if replayed again. */
  sentNotDeleted: string[];
  /** Dead-letter queue depth after the run (failed messages made visible again first). */
  left: QueueDepth;
  stoppedBy: ManualStop;
  /** The error that stopped the run, when `stoppedBy` is `send-error`. */
  error?: string;
}

/** Default long-polling wait: long enough that an empty answer means an empty queue. */
export const DEFAULT_RECEIVE_WAIT_SECONDS = 5;
/** Default hiding time of received messages; a batch's send and delete take well under a second. */
const DEFAULT_REPLAY_VISIBILITY_SECONDS = 120;

/** Moves messages from the dead-letter queue to the target, one batch of up to 10 at a time. */
export async function replayManually(
  options: ManualReplayOptions,
  deps: ManualReplayDeps,
): Promise<ManualReplayResult> {
  const { sqs, progress } = deps;
  const waitSeconds = options.receiveWaitSeconds ?? DEFAULT_RECEIVE_WAIT_SECONDS;
  const visibilitySeconds = options.visibilityTimeoutSeconds ?? DEFAULT_REPLAY_VISIBILITY_SECONDS;
  if (visibilitySeconds <= waitSeconds) {
    throw new Error("the visibility timeout must exceed the receive wait, or failed messages loop");
  }

  const initial = await queueDepthOf(sqs, options.dlqUrl);
  const total =
    options.max === undefined ? initial.visible : Math.min(options.max, initial.visible);
  // Failed sends by message id, with their latest receipt handle (to make them visible again).
  const failed = new Map<string, FailedMessage & { receiptHandle: string | undefined }>();
  // Sent but not (yet) deleted, by message id, so a redelivery is deleted, never sent again.
  const sentNotDeleted = new Set<string>();
  let moved = 0;
  let stoppedBy: ManualStop = "empty";
  let error: string | undefined;
  const startedAt = deps.clock();
  progress.update(0, total);

  try {
    for (;;) {
      if (options.signal?.aborted) {
        stoppedBy = "interrupted";
        break;
      }
      const tried = moved + failed.size + sentNotDeleted.size;
      const budget = options.max === undefined ? 10 : Math.min(10, options.max - tried);
      if (budget <= 0) {
        stoppedBy = "max";
        break;
      }
      let messages: Message[];
      try {
        messages = await receive(
          sqs,
          options.dlqUrl,
          budget,
          waitSeconds,
          visibilitySeconds,
          options.signal,
        );
      } catch (receiveError) {
        if (options.signal?.aborted) {
          stoppedBy = "interrupted"; // Ctrl-C cut the long poll short; nothing was in hand
          break;
        }
        throw receiveError;
      }
      if (messages.length === 0) break;

      const fresh: Message[] = [];
      const alreadySent: Message[] = [];
      for (const message of messages) {
        const id = message.MessageId ?? "";
        const knownFailure = failed.get(id);
        if (knownFailure)
          knownFailure.receiptHandle = message.ReceiptHandle; // hidden again
        else if (sentNotDeleted.has(id)) alreadySent.push(message);
        else fresh.push(message);
      }

      const sendOutcome = await sendBatch(sqs, options.targetUrl, fresh);
      for (const failure of sendOutcome.failed) {
        failed.set(failure.message.MessageId ?? "", {
          messageId: failure.message.MessageId ?? "?",
          code: failure.code,
          reason: failure.reason,
          receiptHandle: failure.message.ReceiptHandle,
        });
      }
      for (const message of sendOutcome.sent) sentNotDeleted.add(message.MessageId ?? "");
      const deleted = await deleteBatch(sqs, options.dlqUrl, [...sendOutcome.sent, ...alreadySent]);
      for (const id of deleted) {
        sentNotDeleted.delete(id);
      }
      moved += sendOutcome.sent.filter((message) => deleted.has(message.MessageId ?? "")).length;
      moved += alreadySent.filter((message) => deleted.has(message.MessageId ?? "")).length;

      const done = moved + failed.size + sentNotDeleted.size;
      progress.update(
        done,
        Math.max(total, done),
        failed.size > 0 ? `(${failed.size} failed)` : undefined,
      );
      if (sendOutcome.error) {
        stoppedBy = "send-error";
        error = sendOutcome.error;
        break;
      }
      if (options.ratePerSecond) {
        const earliest = startedAt + (done / options.ratePerSecond) * 1000;
        await deps.sleep(earliest - deps.clock(), options.signal);
      }
    }
  } finally {
    progress.finish();
    // Failed messages are released even if the run died, so none waits out its timeout.
    await releaseMessages(
      sqs,
      options.dlqUrl,
      [...failed.values()].map((failure) => ({ ReceiptHandle: failure.receiptHandle })),
    );
  }

  return {
    moved,
    failed: [...failed.values()].map(({ messageId, code, reason }) => ({
      messageId,
      code,
      reason,
    })),
    sentNotDeleted: [...sentNotDeleted],
    left: await queueDepthOf(sqs, options.dlqUrl),
    stoppedBy,
    ...(error === undefined ? {} : { error }),
  };
}

async function receive(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  waitSeconds: number,
  visibilitySeconds: number,
  signal: AbortSignal | undefined,
): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: count,
      WaitTimeSeconds: waitSeconds,
      VisibilityTimeout: visibilitySeconds,
      MessageAttributeNames: ["All"],
    }),
    { abortSignal: signal },
  );
  return Messages ?? [];
}

/** A message attribute as sent: type and value only (the list types are reserved by SQS). */
function copyMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue === undefined ? {} : { StringValue: value.StringValue }),
        ...(value.BinaryValue === undefined ? {} : { BinaryValue: value.BinaryValue }),
      },
    ]),
  );
}

interface SendOutcome {
  sent: Message[];
  failed: { message: Message; code: string; reason: string }[];
  /** Set when the whole call failed. */
  error?: string;
}

async function sendBatch(
  sqs: SQSClient,
  targetUrl: string,
  messages: Message[],
): Promise<SendOutcome> {
  if (messages.length === 0) return { sent: [], failed: [] };
  try {
    const { Successful, Failed } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? "",
          MessageAttributes: copyMessageAttributes(message.MessageAttributes),
        })),
      }),
    );
    const byId = (id: string | undefined): Message | undefined => messages[Number(id)];
    const sent = (Successful ?? []).flatMap((entry) => byId(entry.Id) ?? []);
    const failures = (Failed ?? []).flatMap((entry) => {
      const message = byId(entry.Id);
      return message ? [{ message, code: entry.Code ?? "?", reason: entry.Message ?? "" }] : [];
    });
    // An entry SQS reported neither way is treated as not sent: it stays in the DLQ.
    const reported = new Set([...sent, ...failures.map((failure) => failure.message)]);
    for (const message of messages) {
      if (!reported.has(message)) {
        failures.push({
          message,
          code: "NotReported",
          reason: "SendMessageBatch did not report this entry",
        });
      }
    }
    return { sent, failed: failures };
  } catch (error) {
    const reason = errorText(error);
    return {
      sent: [],
      failed: messages.map((message) => ({ message, code: "SendMessageBatchFailed", reason })),
      error: `SendMessageBatch to ${targetUrl} failed: ${reason}`,
    };
  }
}

/** Deletes sent messages from the dead-letter queue; returns the message ids deleted. */
async function deleteBatch(
  sqs: SQSClient,
  dlqUrl: string,
  messages: Message[],
): Promise<Set<string>> {
  const deleted = new Set<string>();
  if (messages.length === 0) return deleted;
  try {
    const { Successful } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    for (const entry of Successful ?? []) {
      const id = messages[Number(entry.Id)]?.MessageId;
      if (id !== undefined) deleted.add(id);
    }
  } catch {
    // Nothing deleted: the caller keeps them as sent-not-deleted and reports them.
  }
  return deleted;
}
