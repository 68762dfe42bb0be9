/** The ingest queue settings Terraform also reads (`config/queue-settings.json`), typed. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const queueSettingsSchema = z.object({
  transformTimeoutSeconds: z.number().int().positive(),
  visibilityTimeoutSeconds: z.number().int().positive(),
  maxReceiveCount: z.number().int().min(1),
  messageRetentionSeconds: z.number().int().min(60).max(1_209_600),
  deadLetterRetentionSeconds: z.number().int().min(60).max(1_209_600),
  batchSize: z.number().int().min(1).max(10),
  maximumBatchingWindowSeconds: z.number().int().min(0).max(300),
  maximumConcurrency: z.number().int().min(2),
  receiveWaitTimeSeconds: z.number().int().min(0).max(20),
});

/** Queue and event source mapping settings shared by Terraform and the local mode. */
export type QueueSettings = z.infer<typeof queueSettingsSchema>;

/** Path of the shared settings file. */
const QUEUE_SETTINGS_PATH = path.resolve(import.meta.dirname, "../../config/queue-settings.json");

/** Reads and validates `config/queue-settings.json`. */
export function loadQueueSettings(file = QUEUE_SETTINGS_PATH): QueueSettings {
  return queueSettingsSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** SQS attributes of the dead-letter queue, from the shared settings. */
export function deadLetterQueueAttributes(settings: QueueSettings): Record<string, string> {
  return { MessageRetentionPeriod: String(settings.deadLetterRetentionSeconds) };
}

/** SQS attributes of the ingest queue, redriving to `deadLetterQueueArn` after `maxReceiveCount`. */
export function ingestQueueAttributes(
  settings: QueueSettings,
  deadLetterQueueArn: string,
): Record<string, string> {
  return {
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(settings.messageRetentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.receiveWaitTimeSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueueArn,
      maxReceiveCount: settings.maxReceiveCount,
    }),
  };
}
