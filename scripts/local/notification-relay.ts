/**
 * Plays S3's part in the local mode: fauxqs sends no bucket notifications, so every object
 * written (put or copied) under `raw_data/to_process/` with a raw suffix (`.json`, `.csv`) becomes an `ObjectCreated` message on the ingest
 * queue, in S3's own format (URL-encoded key), as the Terraform notification would send it.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { S3SpyEvent } from "fauxqs";
import { objectCreatedMessage, testEventMessage } from "./s3-notification";
import { RAW_SUFFIXES, RAW_TO_PROCESS_PREFIX } from "../../functions/shared/s3-layout";
import { errorText } from "../ops/cli";
import type { Emulator } from "./emulator";

/** Sends S3-style notifications for new raw objects; start() polls the emulator's event log. */
export class NotificationRelay {
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();
  /** Writes seen but not yet notified, oldest first. */
  private readonly unsent: S3SpyEvent[] = [];
  /** How many ObjectCreated notifications were sent. */
  sent = 0;

  constructor(
    private readonly emulator: Emulator,
    private readonly bucket: string,
    private readonly queueUrl: string,
  ) {}

  /** Sends the `s3:TestEvent` S3 sends when a notification is configured, then relays writes. */
  async start(pollMs = 20): Promise<void> {
    await this.send(testEventMessage(this.bucket));
    // The next flush sends again what failed; only an explicit flush() reports the error.
    this.timer = setInterval(
      () =>
        void this.flush().catch((error: unknown) =>
          console.error(`notification relay: ${errorText(error)}; retrying at the next flush`),
        ),
      pollMs,
    );
  }

  /**
   * Relays every write seen so far; resolves once their messages are on the queue.
   * @throws {Error} When a message cannot be sent: it and the ones after it stay for the next flush.
   */
  flush(): Promise<void> {
    const events = this.emulator.server.spy.getAllMessages();
    this.emulator.server.spy.clear();
    const writes = events.filter(
      (event): event is S3SpyEvent =>
        event.service === "s3" &&
        (event.status === "uploaded" || event.status === "copied") &&
        event.bucket === this.bucket &&
        event.key.startsWith(RAW_TO_PROCESS_PREFIX) &&
        RAW_SUFFIXES.some((suffix) => event.key.endsWith(suffix)),
    );
    // fauxqs logs a CopyObject as "uploaded" (its store write) then "copied": one S3 event.
    this.unsent.push(
      ...writes.filter(
        (event, i) => !(writes[i + 1]?.status === "copied" && writes[i + 1]!.key === event.key),
      ),
    );
    const sending = this.pending.then(async () => {
      while (this.unsent.length > 0) {
        const event = this.unsent[0]!;
        await this.notify(event);
        this.unsent.shift();
      }
    });
    // A failed send must not stop the flushes after it.
    this.pending = sending.catch(() => {});
    return sending;
  }

  /**
   * Stops relaying after sending what is pending.
   * @throws {Error} When what is pending cannot be sent.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async notify({ key, status, timestamp }: S3SpyEvent): Promise<void> {
    // S3 notifies even if the object is gone by then; so does the relay (its size unknown).
    const head = await this.emulator.s3
      .send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch(() => undefined);
    await this.send(
      objectCreatedMessage({
        bucket: this.bucket,
        key,
        size: head?.ContentLength,
        eTag: head?.ETag?.replace(/"/g, ""),
        eventTime: new Date(timestamp),
        // As S3 names a copy's event (make reprocess copies processed/ back to to_process/).
        eventName: status === "copied" ? "ObjectCreated:Copy" : "ObjectCreated:Put",
      }),
    );
    this.sent += 1;
  }

  private async send(body: string): Promise<void> {
    await this.emulator.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }),
    );
  }
}
