/**
 * Builds S3 event notification messages as S3 puts them on SQS, for the local mode, the bench
 * and the tests: the emulator sends no notifications. functions/shared/s3-event.ts parses them.
 */
import { RAW_NOTIFICATIONS, RAW_SUFFIX } from "../../functions/shared/s3-layout";

/** The notification configuration id of raw snapshots (`.json`), as Terraform configures it. */
export const RAW_NOTIFICATION_ID = RAW_NOTIFICATIONS.find((n) => n.suffix === RAW_SUFFIX)!.id;

/** Encodes an object key the way S3 notifications do: form encoding, spaces as `+`, `/` kept. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, "+")
    .replace(/%2F/g, "/")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What one S3 event record needs to say. */
export interface ObjectCreatedFacts {
  bucket: string;
  key: string;
  /** Bytes; left out of the message when unknown (the budget then runs the object alone). */
  size?: number;
  eTag?: string;
  eventTime?: Date;
  region?: string;
  /** Default `ObjectCreated:Put`. */
  eventName?: string;
}

/** An `ObjectCreated:Put` (or `facts.eventName`) notification body, exactly in S3's message format. */
export function objectCreatedMessage(facts: ObjectCreatedFacts): string {
  const eventTime = (facts.eventTime ?? new Date()).toISOString();
  return JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: facts.region ?? "us-east-1",
        eventTime,
        eventName: facts.eventName ?? "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:LOCAL" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: RAW_NOTIFICATION_ID,
          bucket: {
            name: facts.bucket,
            ownerIdentity: { principalId: "LOCAL" },
            arn: `arn:aws:s3:::${facts.bucket}`,
          },
          object: {
            key: encodeS3EventKey(facts.key),
            ...(facts.size === undefined ? {} : { size: facts.size }),
            eTag: facts.eTag ?? "",
            sequencer: Date.parse(eventTime).toString(16).toUpperCase().padStart(16, "0"),
          },
        },
      },
    ],
  });
}

/** The `s3:TestEvent` S3 sends once when a notification configuration is created. */
export function testEventMessage(bucket: string, time: Date = new Date()): string {
  return JSON.stringify({
    Service: "Amazon S3",
    Event: "s3:TestEvent",
    Time: time.toISOString(),
    Bucket: bucket,
    RequestId: "LOCAL",
    HostId: "LOCAL",
  });
}
