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
    let queueUrl: string;
    try {
      queueUrl = await queueUrlFor(sqs, arn);
    } catch (error) {
      for (const record of queued)
        problems.push({ messageId: record.messageId, reason: (error as Error).message });
      continue;
    }
    const handles = queued.map((record) => record.receiptHandle);
    for (const { index, reason } of await makeVisibleNow(sqs, queueUrl, handles)) {
      problems.push({ messageId: queued[index]?.messageId ?? "?", reason });
    }
  }
  return problems;
}

/**
 * Makes the messages of `receiptHandles` on `queueUrl` visible now (visibility 0), 10 per call
 * (the most a batch holds). Never throws: a call that fails counts for each of its messages.
 * @returns The index of each message SQS did not change, with why; those become visible when
 *   their visibility timeout ends instead.
 */
export async function makeVisibleNow(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly (string | undefined)[],
): Promise<{ index: number; reason: string }[]> {
  const refused: { index: number; reason: string }[] = [];
  for (let start = 0; start < receiptHandles.length; start += 10) {
    const chunk = receiptHandles.slice(start, start + 10);
    try {
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((handle, j) => ({
            Id: String(j),
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      for (const failure of Failed) {
        refused.push({
          index: start + Number(failure.Id),
          reason: `${failure.Code}: ${failure.Message ?? ""}`,
        });
      }
    } catch (error) {
      chunk.forEach((_, j) => refused.push({ index: start + j, reason: (error as Error).message }));
    }
  }
  return refused;
}
