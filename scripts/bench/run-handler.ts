/**
 * The bench's handler row, in a node process of its own sized as a 512 MB Lambda function (V8
 * flags from bench.ts): invokes the built transform handler directly, in batches of 10, with
 * the S3 notifications of every raw object the bench uploaded to the emulator (in bench.ts's
 * process, over HTTP). No SQS in between: this measures the handler and its S3 requests.
 * Usage (bundled by bench.ts): node run-handler.mjs HANDLER_MODULE BUCKET
 */
import { paginateListObjectsV2, S3Client } from "@aws-sdk/client-s3";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { RAW_TO_PROCESS_PREFIX } from "../../functions/shared/s3-layout";
import { lambdaContext } from "../local/lambda-context";
import { objectCreatedMessage } from "../local/s3-notification";
import { lambdaSqsEventFor } from "../local/sqs-event";

const BATCH_SIZE = 10;
const [handlerModule, bucket] = process.argv.slice(2) as [string, string];
const { handler } = (await import(handlerModule)) as {
  handler: (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;
};
const s3 = new S3Client({ forcePathStyle: true });
const objects = [];
for await (const page of paginateListObjectsV2(
  { client: s3 },
  { Bucket: bucket, Prefix: RAW_TO_PROCESS_PREFIX },
)) {
  objects.push(...(page.Contents ?? []));
}
let failures = 0;
for (let i = 0; i < objects.length; i += BATCH_SIZE) {
  const messages = objects.slice(i, i + BATCH_SIZE).map((object, j) => ({
    MessageId: String(i + j),
    Body: objectCreatedMessage({ bucket, key: object.Key!, size: object.Size }),
  }));
  const event = lambdaSqsEventFor(messages, "arn:aws:sqs:us-east-1:000000000000:bench");
  failures += (await handler(event, lambdaContext("transform"))).batchItemFailures.length;
}
if (failures > 0 || objects.length === 0) {
  throw new Error(`${objects.length} objects, ${failures} failed in the handler`);
}
