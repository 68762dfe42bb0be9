/**
 * Sends records that can never succeed to the dead-letter queue quickly. A failed record comes
 * back only after the queue's visibility timeout (6 minutes), and reaches the DLQ after
 * `maxReceiveCount` receives: half an hour for a file that is not a playlist. Setting a
 * permanent failure's visibility to 0 makes each of those receives immediate; transient
 * failures keep the timeout, which is their backoff.
 */
import { ChangeMessageVisibilityBatchCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";

/** The parts of an SQS queue ARN (`arn:<partition>:sqs:<region>:<account>:<name>`). */
function parseQueueArn(arn: string): {
  partition: string;
  region: string;
  account: string;
  name: string;
} {
  const [prefix, partition, service, region, account, name] = arn.split(":");
  if (prefix !== "arn" || service !== "sqs" || !partition || !region || !account || !name) {
    throw new Error(`not an SQS queue ARN: ${JSON.stringify(arn)}`);
  }
  return { partition, region, account, name };
}

/**
 * The queue URL AWS gives the queue of `arn`: `https://sqs.<region>.<domain>/<account>/<name>`.
 * Built, not asked for, because the function's role has no `sqs:GetQueueUrl`.
 * @throws {Error} When `arn` is not an SQS queue ARN.
 */
export function awsQueueUrlFor(arn: string): string {
  const { partition, region, account, name } = parseQueueArn(arn);
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * Where the queue of `arn` answers. Against AWS, its standard URL; when the SDK is pointed at
 * another endpoint (an emulator, LocalStack: `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`),
 * queue URLs follow that service's own scheme, so it is asked (GetQueueUrl).
 */
export async function queueUrlFor(
  sqs: SQSClient,
  arn: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  if (!env.AWS_ENDPOINT_URL_SQS && !env.AWS_ENDPOINT_URL) return awsQueueUrlFor(arn);
  const { account, name } = parseQueueArn(arn);
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${arn}`);
  return QueueUrl;
}

/**
 * Makes `records` visible on their queue again now (visibility 0), so that their next receives,
 * and the redrive to the dead-letter queue after `maxReceiveCount`, follow at once.
 * @returns How many records were not changed, with why (their messages then wait out the
 *   visibility timeout as any failure does; nothing is lost).
 */
export async function releaseNow(
  sqs: SQSClient,
  records: readonly SQSRecord[],
): Promise<{ messageId: string; reason: string }[]> {
  const byQueue = new Map<string, SQSRecord[]>();
  for (const record of records) {
    byQueue.set(record.eventSourceARN, [...(byQueue.get(record.eventSourceARN) ?? []), record]);
  }
  const problems: { messageId: string; reason: string }[] = [];
  for (const [arn, queued] of byQueue) {
    try {
      const queueUrl = await queueUrlFor(sqs, arn);
      // A batch holds at most 10 entries, as many as an SQS event has records by default.
      for (let i = 0; i < queued.length; i += 10) {
        const chunk = queued.slice(i, i + 10);
        const { Failed = [] } = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((record, j) => ({
              Id: String(j),
              ReceiptHandle: record.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
        for (const failure of Failed) {
          problems.push({
            messageId: chunk[Number(failure.Id)]?.messageId ?? "?",
            reason: `${failure.Code}: ${failure.Message ?? ""}`,
          });
        }
      }
    } catch (error) {
      for (const record of queued)
        problems.push({ messageId: record.messageId, reason: (error as Error).message });
    }
  }
  return problems;
}
