import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { jest } from "@jest/globals";
import { objectCreatedMessage, testEventMessage } from "../../../scripts/local/s3-notification";
import {
  SNAPSHOT_DATE_METADATA,
  TABLE_NAMES,
  processedKeyFor,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";
import { normalizeSnapshot } from "../../../functions/transform/normalize-snapshot";
import { lambdaContext } from "../../../scripts/local/lambda-context";
import { handler } from "../../../functions/transform/handler";
import { lambdaSqsEventFor } from "../../../scripts/local/sqs-event";
import { startEmulator, type Emulator } from "../../support/emulator";
import { listKeys } from "../../support/helpers";
import { readParquet } from "../../support/parquet";
import { entry, rawSnapshot, top50Capture, track } from "../../support/spotify-fixtures";

const BUCKET = "lake";
describe("transform handler against the S3/SQS emulator", () => {
  let emulator: Emulator;
  let queue: { queueUrl: string; queueArn: string };

  beforeAll(async () => {
    emulator = await startEmulator();
    process.env.DATA_BUCKET = BUCKET;
    // No Glue in the emulator: starting the crawler fails, which must not fail any record.
    process.env.GLUE_CRAWLER_NAME = "spotify-etl-crawler";
    process.env.POWERTOOLS_METRICS_NAMESPACE = "SpotifyEtlTest";
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

  const keysUnder = (prefix: string) => listKeys(emulator.s3, BUCKET, prefix);

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
    // And in literals, so that a normalization bug cannot hide on both sides of the comparison.
    const snapshotSongs = await readParquet(
      await readObject(transformedKeyFor("songs", snapshotDate, snapshotKey)),
    );
    expect(snapshotSongs.rows).toEqual([
      expect.objectContaining({ playlist_id: "playlist1", position: 2, song_id: "t1" }),
      expect.objectContaining({ position: 3, song_id: "t2", song_name: 'Ünïcode, "quoted"' }),
    ]);
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

  it("treats the same notification twice in one batch as one delivery", async () => {
    // Prepare: both records run at once, so both read the object before either moves it
    const key = "raw_data/to_process/twice_20261122T160003123Z.json";
    await putRaw(key, JSON.stringify(rawSnapshot([entry(track())])));
    const body = objectCreatedMessage({ bucket: BUCKET, key, size: 1 });
    const event = await eventFor([body, body]);
    let response: SQSBatchResponse | undefined;

    // Act
    const logs = await logsOf(async () => {
      response = await handler(event, lambdaContext("transform"));
    });

    // Assess
    expect(response!.batchItemFailures).toEqual([]);
    expect(logs.filter((line) => line.level === "ERROR")).toEqual([]);
    expect(await keysUnder("raw_data/")).toEqual([processedKeyFor(key)]);
    expect(await keysUnder("transformed_data/")).toEqual(
      TABLE_NAMES.map((table) => transformedKeyFor(table, "2026-11-22", key)).sort(),
    );
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

  /** Runs `act` and returns the JSON log lines it printed, ERROR ones included. */
  async function logsOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const lines: string[] = [];
    const spies = (["info", "warn", "error"] as const).map((level) =>
      jest
        .spyOn(console, level)
        .mockImplementation((line: unknown) => void lines.push(String(line))),
    );
    try {
      await act().catch(() => undefined);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  const errorsFor = (logs: Record<string, unknown>[], messageId: string) =>
    logs.filter((line) => line.level === "ERROR" && line.messageId === messageId);

  it("logs one ERROR line, with the message id and the reason, for every body it cannot read", async () => {
    // Prepare
    const goodKey = "raw_data/to_process/good_20261122T160003123Z.json";
    await putRaw(goodKey, JSON.stringify(rawSnapshot([entry(track())])));
    const badKeyBody = JSON.parse(
      objectCreatedMessage({ bucket: BUCKET, key: "raw_data/to_process/x.json", size: 1 }),
    );
    badKeyBody.Records[0].s3.object.key = "raw_data/to_process/50%+off.json";
    const unreadable = [
      ["plain text", "hello, queue", "message body is not JSON"],
      [
        "JSON that is no S3 event",
        '{"detail-type":"Object Created"}',
        "not an S3 event notification",
      ],
      [
        "an SNS envelope",
        JSON.stringify({
          Type: "Notification",
          TopicArn: "arn:aws:sns:us-east-1:123456789012:raw",
          Message: objectCreatedMessage({ bucket: BUCKET, key: goodKey, size: 1 }),
        }),
        "SNS notification envelope",
      ],
      ["a badly encoded key", JSON.stringify(badKeyBody), "is not encoded as S3 encodes"],
    ] as const;
    const event = await eventFor([
      objectCreatedMessage({ bucket: BUCKET, key: goodKey, size: 1 }),
      ...unreadable.map(([, body]) => body),
    ]);
    let response: SQSBatchResponse | undefined;

    // Act
    const logs = await logsOf(async () => {
      response = await handler(event, lambdaContext("transform"));
    });

    // Assess
    const failedIds = event.Records.slice(1).map((record) => record.messageId);
    expect(response!.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [...failedIds].sort(),
    );
    unreadable.forEach(([, , reason], i) => {
      const lines = errorsFor(logs, failedIds[i]!);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        reason: expect.stringContaining(reason),
        retryable: false,
      });
    });
    expect(errorsFor(logs, event.Records[0]!.messageId)).toEqual([]);
    expect(await keysUnder("raw_data/processed/")).toEqual([processedKeyFor(goodKey)]);
  });

  it("refuses records that are not ObjectCreated, and names Athena's rule for _ and . names", async () => {
    // Prepare
    const removedKey = "raw_data/to_process/removed_20261122T160003123Z.json";
    const hiddenKeys = ["raw_data/to_process/_draft.json", "raw_data/to_process/.draft.json"];
    const textKey = "raw_data/to_process/notes.txt";
    for (const key of [removedKey, ...hiddenKeys, textKey])
      await putRaw(key, JSON.stringify(rawSnapshot([entry(track())])));
    const event = await eventFor([
      objectCreatedMessage({
        bucket: BUCKET,
        key: removedKey,
        eventName: "ObjectRemoved:Delete",
      }),
      ...[...hiddenKeys, textKey].map((key) =>
        objectCreatedMessage({ bucket: BUCKET, key, size: 1 }),
      ),
    ]);

    // Act
    const logs = await logsOf(() => handler(event, lambdaContext("transform")));

    // Assess: nothing written or moved, and each says why
    expect(await keysUnder("transformed_data/")).toEqual([]);
    expect(await keysUnder("raw_data/to_process/")).toEqual(
      [removedKey, ...hiddenKeys, textKey].sort(),
    );
    const reasons = event.Records.map(
      (record) => errorsFor(logs, record.messageId).map((line) => line.reason)[0],
    );
    expect(reasons).toEqual([
      expect.stringContaining("event ObjectRemoved:Delete is not an ObjectCreated event"),
      expect.stringContaining("Athena silently ignores files whose names start with _ or ."),
      expect.stringContaining("Athena silently ignores files whose names start with _ or ."),
      expect.stringContaining("neither a .json snapshot nor a .csv chart export"),
    ]);
  });

  it("transforms every object of a multi-record message even when the first one is missing", async () => {
    // Prepare
    const ghostKey = "raw_data/to_process/ghost_20261122T160003123Z.json";
    const realKey = "raw_data/to_process/real_20261122T160003123Z.json";
    await putRaw(realKey, JSON.stringify(rawSnapshot([entry(track())])));
    const records = [ghostKey, realKey].map(
      (key) => JSON.parse(objectCreatedMessage({ bucket: BUCKET, key, size: 1 })).Records[0],
    );
    const event = await eventFor([JSON.stringify({ Records: records })]);

    // Act
    const logs = await logsOf(() => handler(event, lambdaContext("transform")));

    // Assess
    expect(await keysUnder("raw_data/processed/")).toEqual([processedKeyFor(realKey)]);
    expect(await keysUnder("transformed_data/")).toHaveLength(4);
    const [line] = errorsFor(logs, event.Records[0]!.messageId);
    expect(line).toMatchObject({
      reason: expect.stringMatching(
        /^1 of 2 objects failed: raw_data\/to_process\/ghost_.*exists neither/,
      ),
      retryable: false,
    });
  });

  describe("with MAX_RAW_OBJECT_BYTES=2000", () => {
    beforeEach(() => {
      process.env.MAX_RAW_OBJECT_BYTES = "2000";
    });
    afterEach(() => {
      delete process.env.MAX_RAW_OBJECT_BYTES;
    });

    it("refuses from the notification's size, before any download", async () => {
      // Prepare: no such object: a download would fail with "exists neither", not the cap
      const key = "raw_data/to_process/huge_20261122T160003123Z.json";
      const event = await eventFor([
        objectCreatedMessage({ bucket: BUCKET, key, size: 300 * 2 ** 20 }),
        objectCreatedMessage({ bucket: BUCKET, key: "raw_data/to_process/other.json", size: 1 }),
      ]);

      // Act
      const logs = await logsOf(() => handler(event, lambdaContext("transform")));

      // Assess
      expect(errorsFor(logs, event.Records[0]!.messageId)).toEqual([
        expect.objectContaining({
          reason: expect.stringMatching(
            /is 300\.0 MiB \(314572800 bytes\), over the cap of 0\.0 MiB \(MAX_RAW_OBJECT_BYTES=2000\).*stays in raw_data\/to_process\/.*Raise the function's memory and MAX_RAW_OBJECT_BYTES, or convert the file with `make transform-files`/,
          ),
          retryable: false,
        }),
      ]);
    });

    it("refuses an object larger than its notification said, from its length, and keeps it", async () => {
      // Prepare
      const key = "raw_data/to_process/grown_20261122T160003123Z.json";
      const tracks = Array.from({ length: 20 }, (_, i) => entry(track({ id: `t${i}` })));
      await putRaw(key, JSON.stringify(rawSnapshot(tracks)));
      const event = await eventFor([objectCreatedMessage({ bucket: BUCKET, key, size: 10 })]);

      // Act
      const logs = await logsOf(() => handler(event, lambdaContext("transform")));

      // Assess
      expect(errorsFor(logs, event.Records[0]!.messageId)[0]).toMatchObject({
        reason: expect.stringContaining("over the cap"),
      });
      expect(await keysUnder("raw_data/")).toEqual([key]);
      expect(await keysUnder("transformed_data/")).toEqual([]);
    });

    it("accepts an object of exactly the cap and refuses one a byte over, notified without a size", async () => {
      // Prepare: the same snapshot padded with JSON whitespace to 2000 and 2001 bytes
      const text = JSON.stringify(rawSnapshot([entry(track())]));
      const [atCap, overCap] = ["at-cap", "over-cap"].map(
        (name) => `raw_data/to_process/${name}_20261122T160003123Z.json`,
      );
      await putRaw(atCap!, text.padEnd(2000));
      await putRaw(overCap!, text.padEnd(2001));
      const event = await eventFor(
        [atCap!, overCap!].map((key) => objectCreatedMessage({ bucket: BUCKET, key })),
      );

      // Act
      const logs = await logsOf(() => handler(event, lambdaContext("transform")));

      // Assess
      const idOf = (key: string) => event.Records.find((r) => r.body.includes(key))!.messageId;
      expect(errorsFor(logs, idOf(atCap!))).toEqual([]);
      expect(errorsFor(logs, idOf(overCap!))).toEqual([
        expect.objectContaining({ reason: expect.stringContaining("(2001 bytes), over the cap") }),
      ]);
      expect(await keysUnder("raw_data/")).toEqual([processedKeyFor(atCap!), overCap]);
    });
  });

  it("accepts a byte order mark and fails bytes that are not UTF-8, naming the offset", async () => {
    // Prepare
    const bomKey = "raw_data/to_process/bom_20261122T160003123Z.json";
    const latin1Key = "raw_data/to_process/latin1_20261122T160003123Z.json";
    const text = JSON.stringify(rawSnapshot([entry(track({ name: "Cafe" }))]));
    await emulator.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: bomKey,
        Body: new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]),
      }),
    );
    const latin1 = new TextEncoder().encode(text);
    const offset = text.indexOf("Cafe") + 3;
    latin1[offset] = 0xe9; // "é" as Latin-1 writes it
    await emulator.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: latin1Key, Body: latin1 }));
    const event = await eventFor(
      [bomKey, latin1Key].map((key) => objectCreatedMessage({ bucket: BUCKET, key, size: 1 })),
    );
    let response: SQSBatchResponse | undefined;

    // Act
    const logs = await logsOf(async () => {
      response = await handler(event, lambdaContext("transform"));
    });

    // Assess
    expect(response!.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
    expect(await keysUnder("raw_data/processed/")).toEqual([processedKeyFor(bomKey)]);
    expect(errorsFor(logs, event.Records[1]!.messageId)[0]).toMatchObject({
      reason: expect.stringContaining(
        `byte 0xe9 at byte offset ${offset} starts no valid character`,
      ),
    });
    const { rows } = await readParquet(
      await readObject(transformedKeyFor("songs", "2026-11-22", bomKey)),
    );
    expect(rows[0]).toMatchObject({ song_name: "Cafe" });
  });
});
