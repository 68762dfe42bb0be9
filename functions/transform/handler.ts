/**
 * Transform Lambda: an SQS batch of S3 notifications for raw snapshots. Each record is
 * transformed on its own; failures are reported in `batchItemFailures` (Powertools batch).
 */
import {
  BatchProcessor,
  EventType,
  FullBatchFailureError,
  processPartialResponse,
} from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { getHeapStatistics } from "node:v8";
import { createObservability } from "../shared/powertools";
import { parseS3NotificationMessage } from "../shared/s3-event";
import { TABLE_NAMES } from "../shared/s3-layout";
import { SKIP_REASONS } from "./normalize-snapshot";
import { startGlueCrawler } from "./glue-crawler";
import { rawBytesBudgetFor } from "./raw-bytes-budget";
import { LAKE_S3_CLIENT_CONFIG, S3LakeStore } from "./s3-lake-store";
import { transformRawObject, UnprocessableObjectError } from "./transform-raw-object";
import { transformMetricNames } from "./metric-names";

const { logger, metrics } = createObservability("spotify-etl-transform");
const s3 = new S3Client(LAKE_S3_CLIENT_CONFIG);
const processor = new BatchProcessor(EventType.SQS);
// Sized from the heap Lambda's runtime gives V8 for the function's memory.
const rawBytesBudget = rawBytesBudgetFor(getHeapStatistics().heap_size_limit);

/** Lambda entry point (SQS event source mapping with `ReportBatchItemFailures`). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const bucket = process.env.DATA_BUCKET;
  if (!bucket)
    throw new Error("DATA_BUCKET is not set: the transform needs the data lake bucket name");
  const store = new S3LakeStore(s3, bucket);
  let snapshotsTransformed = 0;

  const transformRecord = async (record: SQSRecord): Promise<void> => {
    const message = parseS3NotificationMessage(record.body);
    if (message.kind === "test_event") {
      logger.info("Ignoring s3:TestEvent", { messageId: record.messageId });
      return;
    }
    for (const object of message.objects) {
      const log = logger.createChild({
        persistentKeys: { objectKey: object.key, messageId: record.messageId },
      });
      try {
        if (object.bucket !== bucket) {
          throw new UnprocessableObjectError(
            `notification is for bucket ${object.bucket}, this function serves ${bucket}`,
          );
        }
        const outcome = await rawBytesBudget.run(object.size, () =>
          transformRawObject(object.key, store),
        );
        if (outcome.status === "already_processed") {
          log.info("Raw object already processed; nothing to do", {
            processedKey: outcome.processedKey,
          });
          continue;
        }
        const { summary } = outcome;
        snapshotsTransformed += 1;
        metrics.addMetric(transformMetricNames.snapshotsTransformed, MetricUnit.Count, 1);
        for (const table of TABLE_NAMES) {
          metrics.addMetric(
            transformMetricNames.rowsWritten[table],
            MetricUnit.Count,
            summary.rows[table],
          );
        }
        for (const reason of SKIP_REASONS) {
          metrics.addMetric(
            transformMetricNames.entriesSkipped[reason],
            MetricUnit.Count,
            summary.skipped[reason],
          );
        }
        log.info("Snapshot transformed", { ...summary, processedKey: outcome.processedKey });
      } catch (error) {
        log.error(
          "Raw object failed; it stays in to_process/ and the message will be retried",
          error as Error,
        );
        throw error;
      }
    }
  };

  let failed = 0;
  try {
    const response = await processPartialResponse(event, transformRecord, processor, { context });
    failed = response.batchItemFailures.length;
    return response;
  } catch (error) {
    if (error instanceof FullBatchFailureError) failed = event.Records.length;
    throw error;
  } finally {
    metrics.addMetric(transformMetricNames.recordsFailed, MetricUnit.Count, failed);
    if (snapshotsTransformed > 0) await startCrawler();
    metrics.publishStoredMetrics();
  }
};

/** Starts the Glue crawler after new data landed. A crawler problem never fails the records. */
async function startCrawler(): Promise<void> {
  const crawler = process.env.GLUE_CRAWLER_NAME;
  if (!crawler) return;
  try {
    if ((await startGlueCrawler(crawler)) === "started") {
      logger.info("Glue crawler started", { crawler });
    } else {
      logger.info("Glue crawler already running; it will pick up the new data", { crawler });
    }
  } catch (error) {
    logger.warn("Could not start the Glue crawler; the scheduled crawl will catalog the data", {
      crawler,
      error: error as Error,
    });
  }
}
