/**
 * Small SQS look-ups the replay needs: a queue's ARN and depth, and the source queue a
 * dead-letter queue serves.
 */
import {
  GetQueueAttributesCommand,
  paginateListDeadLetterSourceQueues,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { errorText, UsageError } from "./cli";

/** How many messages a queue holds, as SQS approximates it. */
export interface QueueDepth {
  /** Ready to be received (`ApproximateNumberOfMessages`). */
  visible: number;
  /** Received and not yet deleted or returned (`ApproximateNumberOfMessagesNotVisible`). */
  inFlight: number;
}

/** The queue's ARN (move tasks name queues by ARN, operators by URL). */
export async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no QueueArn for ${queueUrl}`);
  return arn;
}

/** The queue's approximate depth. */
export async function queueDepthOf(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * The one queue whose redrive policy names this dead-letter queue: where its messages came
 * from, so where a replay sends them by default. None or several: the operator must choose.
 */
export async function sourceQueueOf(sqs: SQSClient, dlqUrl: string): Promise<string> {
  const sources: string[] = [];
  try {
    const pages = paginateListDeadLetterSourceQueues(
      { client: sqs, pageSize: 1000 },
      { QueueUrl: dlqUrl },
    );
    for await (const page of pages) sources.push(...(page.queueUrls ?? []));
  } catch (error) {
    throw new UsageError(
      `Could not find the source queue of ${dlqUrl} (ListDeadLetterSourceQueues failed: ` +
        `${errorText(error)}). Pass the queue to replay into with --target-url.`,
    );
  }
  if (sources.length === 1) return sources[0]!;
  if (sources.length === 0) {
    throw new UsageError(
      `No queue uses ${dlqUrl} as its dead-letter queue, so there is no default target. ` +
        `Pass the queue to replay into with --target-url.`,
    );
  }
  throw new UsageError(
    `${sources.length} queues use ${dlqUrl} as their dead-letter queue (${sources.join(", ")}); ` +
      `choose one with --target-url.`,
  );
}
