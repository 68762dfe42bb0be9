/**
 * Transform Lambda: an SQS batch of S3 notifications for raw snapshots. Each record is
 * transformed on its own; failures are reported in `batchItemFailures` (Powertools batch), each
 * with one ERROR line, and those that can never succeed are made visible at once so that they
 * reach the dead-letter queue quickly.
 */
import {
  BatchProcessor,
  EventType,
  FullBatchFailureError,
  processPartialResponse,
} from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { getHeapStatistics } from "node:v8";
import { createObservability, type Observability } from "../shared/powertools";
import {
  parseS3NotificationMessage,
  type NotifiedObject,
  type S3NotificationMessage,
} from "../shared/s3-event";
import { LAKE_TABLE_NAMES } from "../shared/s3-layout";
import { SKIP_REASONS } from "./normalize-snapshot";
import { startGlueCrawler } from "./glue-crawler";
import {
  isRetryable,
  TableWriteError,
  UnprocessableObjectError,
  UnreadableMessageError,
} from "./errors";
import { releaseNow } from "./fast-dead-letter";
import { rawBytesBudgetFor, tooLargeMessage } from "./raw-bytes-budget";
import { LAKE_S3_CLIENT_CONFIG, S3LakeStore } from "./s3-lake-store";
import { assertTransformableKey, transformRawObject } from "./transform-raw-object";
import { transformMetricNames } from "./metric-names";
import { readTransformConfig } from "./config";

/** What warm invocations reuse: created on the first one, so it sees that invocation's environment. */
interface Runtime extends Observability {
  s3: S3Client;
  sqs: SQSClient;
  processor: BatchProcessor;
}

let runtime: Runtime | undefined;
// Sized from the heap Lambda's runtime gives V8 for the function's memory.
const heapLimitBytes = getHeapStatistics().heap_size_limit;
const rawBytesBudget = rawBytesBudgetFor(heapLimitBytes);

function runtimeOnce(): Runtime {
  return (runtime ??= {
    ...createObservability("spotify-etl-transform"),
    s3: new S3Client(LAKE_S3_CLIENT_CONFIG),
    // The queue is the function's own event source, in its region: the client's endpoint serves
    // it (and an emulator's endpoint, where queue URLs name hosts of their own).
    sqs: new SQSClient({ useQueueUrlAsEndpoint: false }),
    processor: new BatchProcessor(EventType.SQS),
  });
}

/**
 * Lambda entry point (SQS event source mapping with `ReportBatchItemFailures`).
 *
 * @throws TransformConfigError when the environment is incomplete; FullBatchFailureError when
 * every record failed (Powertools batch).
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const { logger, metrics, s3, sqs, processor } = runtimeOnce();
  logger.addContext(context);
  const { bucket, maxRawBytes, glueCrawlerName } = readTransformConfig(process.env, heapLimitBytes);
  const store = new S3LakeStore(s3, bucket);
  let snapshotsTransformed = 0;
  const permanentFailures: SQSRecord[] = [];

  const transformObject = async (object: NotifiedObject, log: Logger): Promise<void> => {
    if (object.bucket !== bucket) {
      throw new UnprocessableObjectError(
        `notification is for bucket ${object.bucket}, this function serves ${bucket}`,
      );
    }
    if (!object.eventName.startsWith("ObjectCreated:")) {
      throw new UnprocessableObjectError(
        `event ${object.eventName} is not an ObjectCreated event; only new raw objects are ` +
          "transformed (check the bucket notification's event types)",
      );
    }
    assertTransformableKey(object.key);
    // Refused before the download: a file that cannot fit would kill the whole batch.
    if (object.size !== undefined && object.size > maxRawBytes) {
      throw new UnprocessableObjectError(tooLargeMessage(object.key, object.size, maxRawBytes));
    }
    const outcome = await rawBytesBudget.run(object.size, () =>
      transformRawObject(object.key, store, { maxRawBytes }),
    );
    if (outcome.status === "already_processed") {
      log.info("Raw object already processed; nothing to do", {
        processedKey: outcome.processedKey,
      });
      return;
    }
    const { summary } = outcome;
    snapshotsTransformed += 1;
    metrics.addMetric(transformMetricNames.snapshotsTransformed, MetricUnit.Count, 1);
    for (const table of LAKE_TABLE_NAMES) {
      const rows = summary.rows[table];
      // Only the tables this object wrote: a chart export writes chart_positions alone.
      if (rows !== undefined)
        metrics.addMetric(transformMetricNames.rowsWritten[table], MetricUnit.Count, rows);
    }
    for (const reason of SKIP_REASONS) {
      metrics.addMetric(
        transformMetricNames.entriesSkipped[reason],
        MetricUnit.Count,
        summary.skipped[reason],
      );
    }
    log.info("Snapshot transformed", { ...summary, processedKey: outcome.processedKey });
  };

  const transformRecord = async (record: SQSRecord): Promise<void> => {
    let log = logger.createChild({ persistentKeys: { messageId: record.messageId } });
    try {
      let message: S3NotificationMessage;
      try {
        message = parseS3NotificationMessage(record.body);
      } catch (error) {
        throw new UnreadableMessageError((error as Error).message, { cause: error });
      }
      if (message.kind === "test_event") {
        log.info("Ignoring s3:TestEvent");
        return;
      }
      const [only] = message.objects;
      if (message.objects.length === 1)
        log = log.createChild({ persistentKeys: { objectKey: only!.key } });
      // Every object of the message is tried: one that fails must not stop the others.
      const failures: { key: string; error: unknown }[] = [];
      for (const object of message.objects) {
        const objectLog =
          message.objects.length === 1
            ? log
            : log.createChild({ persistentKeys: { objectKey: object.key } });
        try {
          await transformObject(object, objectLog);
        } catch (error) {
          logLeftBehind(objectLog, error);
          failures.push({ key: object.key, error });
        }
      }
      if (failures.length === 1 && message.objects.length === 1) throw failures[0]!.error;
      if (failures.length > 0) {
        throw new AggregateError(
          failures.map((failure) => failure.error),
          `${failures.length} of ${message.objects.length} objects failed: ` +
            failures.map(({ key, error }) => `${key}: ${(error as Error).message}`).join("; "),
        );
      }
    } catch (error) {
      const retryable = isRetryable(error);
      if (!retryable) permanentFailures.push(record);
      log.error(
        retryable
          ? "Record failed; its raw objects stay in to_process/ and it will be retried after the visibility timeout"
          : "Record failed for good; retrying cannot help, so it goes to the dead-letter queue now",
        { reason: (error as Error).message, retryable, error: error as Error },
      );
      throw error;
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
    if (permanentFailures.length > 0)
      await releasePermanentFailures(sqs, logger, permanentFailures);
    metrics.addMetric(transformMetricNames.recordsFailed, MetricUnit.Count, failed);
    if (snapshotsTransformed > 0) await startCrawler(logger, glueCrawlerName);
    metrics.publishStoredMetrics();
  }
};

/** Logs, at ERROR, each output a failed table write's cleanup had to leave in place. */
function logLeftBehind(log: Logger, error: unknown): void {
  if (!(error instanceof TableWriteError)) return;
  for (const { key, reason } of error.leftBehind) {
    log.error("Cleanup after a failed table write left an output of this attempt in place", {
      outputKey: key,
      reason,
    });
  }
}

/** Lets permanent failures reach the DLQ now; if that fails they wait out the timeout instead. */
async function releasePermanentFailures(
  sqs: SQSClient,
  logger: Logger,
  records: SQSRecord[],
): Promise<void> {
  const problems = await releaseNow(sqs, records);
  for (const { messageId, reason } of problems) {
    logger.warn(
      "Could not make a permanently failed record visible again; it reaches the dead-letter queue after the usual visibility timeouts",
      { messageId, reason },
    );
  }
}

/** Starts the Glue crawler after new data landed. A crawler problem never fails the records. */
async function startCrawler(logger: Logger, crawler: string | undefined): Promise<void> {
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
