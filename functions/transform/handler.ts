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
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
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
import { isRetryable, TableWriteError, UnreadableMessageError } from "./errors";
import { releaseNow } from "./fast-dead-letter";
import { rawBytesBudgetFor } from "./raw-bytes-budget";
import { LAKE_S3_CLIENT_CONFIG, S3LakeStore } from "./s3-lake-store";
import { assertTransformableNotification, transformRawObject } from "./transform-raw-object";
import { transformMetricNames } from "./metric-names";
import { readTransformConfig, type TransformConfig } from "./config";

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

/** One invocation's settings and what it tallies for its report at the end. */
interface Invocation {
  logger: Logger;
  metrics: Metrics;
  store: S3LakeStore;
  bucket: string;
  maxRawBytes: number;
  snapshotsTransformed: number;
  /** Records that can never succeed: released at the end so they reach the DLQ at once. */
  permanentFailures: SQSRecord[];
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
  const { bucket, maxRawBytes, glueCrawlerName } = readConfigOrFailAll(event, logger, metrics);
  const invocation: Invocation = {
    logger,
    metrics,
    store: new S3LakeStore(s3, bucket),
    bucket,
    maxRawBytes,
    snapshotsTransformed: 0,
    permanentFailures: [],
  };
  let failed = 0;
  try {
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) => transformRecord(record, invocation),
      processor,
      { context },
    );
    failed = response.batchItemFailures.length;
    return response;
  } catch (error) {
    if (error instanceof FullBatchFailureError) failed = event.Records.length;
    throw error;
  } finally {
    if (invocation.permanentFailures.length > 0)
      await releasePermanentFailures(sqs, logger, invocation.permanentFailures);
    metrics.addMetric(transformMetricNames.recordsFailed, MetricUnit.Count, failed);
    if (invocation.snapshotsTransformed > 0) await startCrawler(logger, glueCrawlerName);
    metrics.publishStoredMetrics();
  }
};

/**
 * The invocation's configuration. A bad one fails every record: each gets its ERROR line and
 * counts in RecordsFailed, as any failed record does, before the whole batch fails.
 * @throws {TransformConfigError} Listing every problem.
 */
function readConfigOrFailAll(event: SQSEvent, logger: Logger, metrics: Metrics): TransformConfig {
  try {
    return readTransformConfig(process.env, heapLimitBytes);
  } catch (error) {
    for (const { messageId } of event.Records) {
      logger.error(
        "Record failed: the transform's configuration is invalid; the whole batch is retried after the visibility timeout and reaches the dead-letter queue after maxReceiveCount receives unless the configuration is fixed",
        // retryable as the RUNBOOK reads it: not released early, back after the visibility timeout.
        { messageId, reason: (error as Error).message, retryable: true },
      );
    }
    metrics.addMetric(transformMetricNames.recordsFailed, MetricUnit.Count, event.Records.length);
    metrics.publishStoredMetrics();
    throw error;
  }
}

/**
 * Transforms every object of one SQS record, logging its failure once at ERROR.
 * @throws The object's error (or an AggregateError for several), so the batch reports the record.
 */
async function transformRecord(record: SQSRecord, invocation: Invocation): Promise<void> {
  let log = invocation.logger.createChild({ persistentKeys: { messageId: record.messageId } });
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
    const { objects } = message;
    if (objects.length === 1)
      log = log.createChild({ persistentKeys: { objectKey: objects[0]!.key } });
    // Every object of the message is tried: one that fails must not stop the others.
    const failures: { key: string; error: unknown }[] = [];
    for (const object of objects) {
      const objectLog =
        objects.length === 1 ? log : log.createChild({ persistentKeys: { objectKey: object.key } });
      try {
        await transformObject(object, objectLog, invocation);
      } catch (error) {
        logLeftBehind(objectLog, error);
        failures.push({ key: object.key, error });
      }
    }
    if (failures.length === 1 && objects.length === 1) throw failures[0]!.error;
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((failure) => failure.error),
        `${failures.length} of ${objects.length} objects failed: ` +
          failures.map(({ key, error }) => `${key}: ${(error as Error).message}`).join("; "),
      );
    }
  } catch (error) {
    const retryable = isRetryable(error);
    if (!retryable) invocation.permanentFailures.push(record);
    log.error(
      retryable
        ? "Record failed; its raw objects stay in to_process/ and it will be retried after the visibility timeout"
        : "Record failed for good; retrying cannot help, so it goes to the dead-letter queue now",
      { reason: (error as Error).message, retryable, error: error as Error },
    );
    throw error;
  }
}

/** Transforms one notified object and records its metrics. */
async function transformObject(
  object: NotifiedObject,
  log: Logger,
  invocation: Invocation,
): Promise<void> {
  const { store, maxRawBytes, metrics } = invocation;
  assertTransformableNotification(object, invocation.bucket, maxRawBytes);
  const outcome = await rawBytesBudget.run(object.size, () =>
    transformRawObject(object.key, store, { maxRawBytes }),
  );
  if (outcome.status === "already_processed") {
    log.info("Raw object already processed; nothing to do", {
      processedKey: outcome.processedKey,
    });
    for (const { key, reason } of outcome.leftBehind ?? []) {
      log.warn(
        "Another delivery moved a raw object of other content first; an output of this delivery stays in its place",
        { outputKey: key, reason },
      );
    }
    return;
  }
  const { summary } = outcome;
  invocation.snapshotsTransformed += 1;
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
}

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
