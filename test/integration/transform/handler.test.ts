import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { jest } from "@jest/globals";
import { objectCreatedMessage, testEventMessage } from "../../../functions/shared/s3-event";
import {
  SNAPSHOT_DATE_METADATA,
  TABLE_NAMES,
  processedKeyFor,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";
import { normalizeSnapshot } from "../../../functions/transform/normalize-snapshot";
import { lambdaContext } from "../../../scripts/local/lambda-context";
import { lambdaSqsEventFor } from "../../../scripts/local/sqs-event";
import { startEmulator, type Emulator } from "../../support/emulator";
import { readParquet } from "../../support/parquet";
import { entry, rawSnapshot, top50Capture, track } from "../../support/spotify-fixtures";

const BUCKET = "lake";
type Handler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

describe("transform handler against the S3/SQS emulator", () => {
  let emulator: Emulator;
  let handler: Handler;
  let queue: { queueUrl: string; queueArn: string };

  beforeAll(async () => {
    emulator = await startEmulator();
    process.env.DATA_BUCKET = BUCKET;
    // No Glue in the emulator: starting the crawler fails, which must not fail any record.
    process.env.GLUE_CRAWLER_NAME = "spotify-etl-crawler";
    process.env.POWERTOOLS_METRICS_NAMESPACE = "SpotifyEtlTest";
    ({ handler } = (await import("../../../functions/transform/handler")) as { handler: Handler });
  });
  afterAll(async () => {
    await emulator.stop();
    delete process.env.DATA_BUCKET;
    delete process.env.GLUE_CRAWLER_NAME;
  });
  beforeEach(() => {
    emulator.server.reset();
    emulator.server.createBucket(BUCKET);
    queue = emulator.server.createQueue(`ingest-${Date.now()}`);
  });

  async function putRaw(key: string, body: string): Promise<void> {
    await emulator.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  }

  /** Sends S3 notifications through the real queue and receives them as Lambda would. */
  async function eventFor(bodies: string[]): Promise<SQSEvent> {
    for (const body of bodies)
      await emulator.sqs.send(
        new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: body }),
      );
    const received = await emulator.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    expect(received.Messages).toHaveLength(bodies.length);
    return lambdaSqsEventFor(received.Messages!, queue.queueArn);
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const listed = await emulator.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }),
    );
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  }

  async function readObject(key: string): Promise<Uint8Array> {
    const object = await emulator.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return object.Body!.transformToByteArray();
  }

  it("transforms the good objects of a mixed batch and reports exactly the bad ones", async () => {
    // Prepare
    const snapshotKey = "raw_data/to_process/Top 50 – Global café_20261122T160003123Z.json";
    const dumpKey =
      "raw_data/to_process/playlist_37i9dQZEVXbMDoHDwVN2tF_si=e8e1e56d145e4f9b_20.json";
    const brokenKey = "raw_data/to_process/broken file.json";
    const strangerKey = "raw_data/to_process/not a playlist.json";
    const snapshot = rawSnapshot([
      null,
      entry(track({ id: "t1" })),
      entry(track({ id: "t2", name: 'Ünïcode, "quoted"' })),
    ]);
    await putRaw(snapshotKey, JSON.stringify(snapshot));
    await putRaw(dumpKey, JSON.stringify(top50Capture()));
    const { LastModified: dumpLastModified } = await emulator.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: dumpKey }),
    );
    await putRaw(brokenKey, '{"items": [');
    await putRaw(strangerKey, JSON.stringify({ users: ["not", "a", "playlist"] }));
    const event = await eventFor(
      [snapshotKey, brokenKey, dumpKey, strangerKey].map((key) =>
        objectCreatedMessage({ bucket: BUCKET, key, size: 1 }),
      ),
    );
    expect(event.Records[0]!.body).toContain("Top+50+%E2%80%93+Global+caf%C3%A9");

    // Act
    const response = await handler(event, lambdaContext("transform"));

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      [event.Records[1]!.messageId, event.Records[3]!.messageId].sort(),
    );
    expect(await keysUnder("raw_data/to_process/")).toEqual([brokenKey, strangerKey].sort());
    expect(await keysUnder("raw_data/processed/")).toEqual(
      [processedKeyFor(dumpKey), processedKeyFor(snapshotKey)].sort(),
    );

    const snapshotDate = "2026-11-22";
    for (const table of TABLE_NAMES) {
      const expected = normalizeSnapshot(snapshot, { key: snapshotKey, lastModified: new Date() })
        .tables[table];
      const { rows } = await readParquet(
        await readObject(transformedKeyFor(table, snapshotDate, snapshotKey)),
      );
      expect(rows).toEqual(expected);
    }
    const dumpDay = dumpLastModified!.toISOString().slice(0, 10); // no extracted_at: LastModified decides
    const songs = await readParquet(await readObject(transformedKeyFor("songs", dumpDay, dumpKey)));
    expect(songs.rows).toHaveLength(50);
    expect(songs.rows[0]).toMatchObject({
      position: 1,
      song_id: "2OzhQlSqBEmt7hmkYxfT6m",
      playlist_id: "37i9dQZEVXbMDoHDwVN2tF",
    });
    const playlists = await readParquet(
      await readObject(transformedKeyFor("playlists", dumpDay, dumpKey)),
    );
    expect(playlists.rows).toEqual([
      expect.objectContaining({
        playlist_name: "Top 50 - Global",
        entries_read: 50,
        songs_written: 50,
        source_key: dumpKey,
      }),
    ]);
  });

  it("ignores the s3:TestEvent", async () => {
    // Prepare
    const event = await eventFor([testEventMessage(BUCKET)]);

    // Act
    const response = await handler(event, lambdaContext("transform"));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await keysUnder("")).toEqual([]);
  });

  it("treats a redelivered message as done, without writing outputs again", async () => {
    // Prepare
    const key = "raw_data/to_process/p1_20261122T160003123Z.json";
    await putRaw(key, JSON.stringify(rawSnapshot([entry(track())])));
    const body = objectCreatedMessage({ bucket: BUCKET, key, size: 1 });
    await handler(await eventFor([body]), lambdaContext("transform"));
    const outputsAfterFirst = await keysUnder("transformed_data/");
    const firstSongs = await emulator.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: outputsAfterFirst[2] }),
    );

    // Act
    const response = await handler(await eventFor([body]), lambdaContext("transform"));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outputsAfterFirst).toHaveLength(4);
    expect(await keysUnder("transformed_data/")).toEqual(outputsAfterFirst);
    const songsNow = await emulator.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: outputsAfterFirst[2] }),
    );
    expect(songsNow.ETag).toBe(firstSongs.ETag);
    expect(songsNow.LastModified).toEqual(firstSongs.LastModified);
  });

  it("overwrites instead of duplicating when the same raw object is transformed again", async () => {
    // Prepare
    const key = "raw_data/to_process/p2_20261122T160003123Z.json";
    const body = JSON.stringify(rawSnapshot([entry(track())]));
    await putRaw(key, body);
    await handler(
      await eventFor([objectCreatedMessage({ bucket: BUCKET, key, size: 1 })]),
      lambdaContext("transform"),
    );
    await putRaw(key, body); // e.g. `make reprocess` moved it back

    // Act
    const response = await handler(
      await eventFor([objectCreatedMessage({ bucket: BUCKET, key, size: 1 })]),
      lambdaContext("transform"),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await keysUnder("transformed_data/")).toHaveLength(4);
    expect(await keysUnder("raw_data/")).toEqual([processedKeyFor(key)]);
  });

  it("dates an undated file by the snapshot date `make reprocess` pinned in its metadata", async () => {
    // Prepare
    const key = "raw_data/to_process/old tutorial dump.json";
    await emulator.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: JSON.stringify(top50Capture()),
        Metadata: { [SNAPSHOT_DATE_METADATA]: "2024-04-22" },
      }),
    );

    // Act
    const response = await handler(
      await eventFor([objectCreatedMessage({ bucket: BUCKET, key, size: 1 })]),
      lambdaContext("transform"),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await keysUnder("transformed_data/songs/")).toEqual([
      transformedKeyFor("songs", "2024-04-22", key),
    ]);
  });

  it("fails a message whose object exists nowhere, and one for another bucket", async () => {
    // Prepare
    const event = await eventFor([
      objectCreatedMessage({ bucket: BUCKET, key: "raw_data/to_process/ghost.json", size: 1 }),
      objectCreatedMessage({
        bucket: "someone-elses-bucket",
        key: "raw_data/to_process/x.json",
        size: 1,
      }),
    ]);

    // Act
    const act = handler(event, lambdaContext("transform"));

    // Assess: every record failed, so Powertools fails the whole batch (Lambda retries all).
    await expect(act).rejects.toThrow(/All records failed/);
  });

  it("logs the object key on every line about a record", async () => {
    // Prepare
    const key = "raw_data/to_process/logged one.json";
    await putRaw(key, "not json");
    const event = await eventFor([objectCreatedMessage({ bucket: BUCKET, key, size: 1 })]);
    const lines: string[] = [];
    const spies = (["info", "warn", "error"] as const).map((level) =>
      jest
        .spyOn(console, level)
        .mockImplementation((line: unknown) => void lines.push(String(line))),
    );

    // Act
    await handler(event, lambdaContext("transform")).catch(() => undefined);
    for (const spy of spies) spy.mockRestore();

    // Assess
    const recordLines = lines.filter((line) => line.includes(event.Records[0]!.messageId));
    expect(recordLines.length).toBeGreaterThan(0);
    for (const line of recordLines) expect(JSON.parse(line)).toMatchObject({ objectKey: key });
    expect(recordLines.join("\n")).toContain("is not valid JSON");
  });
});
