import {
  CrawlerRunningException,
  EntityNotFoundException,
  GlueClient,
  StartCrawlerCommand,
} from "@aws-sdk/client-glue";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import type { SQSEvent } from "aws-lambda";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import { jest } from "@jest/globals";
import { Readable } from "node:stream";
import { objectCreatedMessage } from "../../../scripts/local/s3-notification";
import { HEAP_BYTES_PER_RAW_BYTE } from "../../../functions/transform/raw-bytes-budget";
import { lambdaContext } from "../../../scripts/local/lambda-context";
import { handler } from "../../../functions/transform/handler";
import { TransformConfigError } from "../../../functions/transform/errors";
import { entry, rawSnapshot, track } from "../../support/spotify-fixtures";

const glue = mockClient(GlueClient);
const OUTPUT_PREFIX = (table: string) => `transformed_data/${table}/snapshot_date=2026-11-22/`;
const s3 = mockClient(S3Client);

function eventFor(...keys: string[]): SQSEvent {
  return eventOfSize(1, ...keys);
}

/** An event whose records each state `size` bytes (the transform's raw-bytes budget reads it). */
function eventOfSize(size: number, ...keys: string[]): SQSEvent {
  return {
    Records: keys.map((key, i) => ({
      messageId: `m${i + 1}`,
      receiptHandle: `r${i + 1}`,
      body: objectCreatedMessage({ bucket: "lake", key, size }),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "s",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:ingest",
      awsRegion: "us-east-1",
    })),
  };
}

/** Makes every S3 read take 20 ms and counts how many were under way at once. */
function slowReadsCountingOverlap(): { mostAtOnce: () => number } {
  let inFlight = 0;
  let mostInFlight = 0;
  s3.on(GetObjectCommand).callsFake(async () => {
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight -= 1;
    return { Body: rawBody(), LastModified: new Date() };
  });
  return { mostAtOnce: () => mostInFlight };
}

/** Sets each variable, or deletes it when undefined. */
function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function rawBody() {
  return sdkStreamMixin(Readable.from([JSON.stringify(rawSnapshot([entry(track())]))]));
}

/** Every console line the handler writes, parsed, until `restore` is called. */
function captureConsole(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const spies = (["log", "info", "warn", "error"] as const).map((level) =>
    jest
      .spyOn(console, level)
      .mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)))),
  );
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

const emfOf = (lines: Record<string, unknown>[]) => lines.find((line) => line._aws);

describe("transform handler: Glue crawler, metrics and record concurrency", () => {
  beforeAll(() => {
    process.env.DATA_BUCKET = "lake";
    process.env.GLUE_CRAWLER_NAME = "lake-crawler";
  });
  afterAll(() => {
    delete process.env.DATA_BUCKET;
    delete process.env.GLUE_CRAWLER_NAME;
  });
  afterEach(() => {
    // Also when a test fails before its own restore: console and the variable as they were.
    jest.restoreAllMocks();
    process.env.GLUE_CRAWLER_NAME = "lake-crawler";
  });
  beforeEach(() => {
    glue.reset();
    s3.reset();
    s3.on(GetObjectCommand).callsFake(() => ({ Body: rawBody(), LastModified: new Date() }));
    s3.on(PutObjectCommand).resolves({}); // an unversioned bucket's answer
  });

  it.each([
    ["starts", () => glue.on(StartCrawlerCommand).resolves({}), "info", "Glue crawler started"],
    [
      "tolerates a running",
      () =>
        glue
          .on(StartCrawlerCommand)
          .rejects(new CrawlerRunningException({ message: "running", $metadata: {} })),
      "info",
      "Glue crawler already running; it will pick up the new data",
    ],
    [
      "logs but does not fail on a missing",
      () =>
        glue
          .on(StartCrawlerCommand)
          .rejects(new EntityNotFoundException({ message: "no such crawler", $metadata: {} })),
      "warn",
      "Could not start the Glue crawler; the scheduled crawl will catalog the data",
    ],
  ] as const)(
    "%s crawler after new data, and the record succeeds",
    async (_label, arrange, level, message) => {
      // Prepare
      arrange();
      const logged: { level: string; message: string; crawler?: string }[] = [];
      const capture = (method: "info" | "warn") =>
        jest.spyOn(console, method).mockImplementation((line: unknown) => {
          logged.push(JSON.parse(String(line)) as (typeof logged)[number]);
        });
      const spies = [capture("info"), capture("warn")];

      // Act
      const response = await handler(
        eventFor("raw_data/to_process/a.json"),
        lambdaContext("transform"),
      );
      spies.forEach((spy) => spy.mockRestore());

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(1);
      expect(glue.commandCalls(StartCrawlerCommand)[0]!.args[0].input).toEqual({
        Name: "lake-crawler",
      });
      const crawlerLines = logged.filter((line) => line.crawler === "lake-crawler");
      expect(crawlerLines).toEqual([
        expect.objectContaining({ level: level.toUpperCase(), message }),
      ]);
    },
  );

  it("does not start the crawler when nothing new landed", async () => {
    // Prepare: the object was already processed (a redelivery)
    s3.on(GetObjectCommand).rejects(
      new (await import("@aws-sdk/client-s3")).NoSuchKey({ message: "gone", $metadata: {} }),
    );
    s3.on(HeadObjectCommand).resolves({});

    // Act
    const response = await handler(
      eventFor("raw_data/to_process/a.json"),
      lambdaContext("transform"),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(0);
  });

  it("warns of each output it could not remove when another delivery moved a file of other content first", async () => {
    // Prepare: the copy finds to_process/ empty; processed/ holds a file uploaded again since
    const { NoSuchKey } = await import("@aws-sdk/client-s3");
    s3.on(CopyObjectCommand).rejects(new NoSuchKey({ message: "gone", $metadata: {} }));
    s3.on(HeadObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: "raw_data/processed/a.json" }).callsFake(() => ({
      Body: sdkStreamMixin(
        Readable.from([JSON.stringify(rawSnapshot([entry(track({ id: "t9" }))]))]),
      ),
      LastModified: new Date(),
    }));
    const warnings: { message: string; outputKey?: string; reason?: string }[] = [];
    const spy = jest.spyOn(console, "warn").mockImplementation((line: unknown) => {
      warnings.push(JSON.parse(String(line)) as (typeof warnings)[number]);
    });

    // Act
    const response = await handler(
      eventFor("raw_data/to_process/a.json"),
      lambdaContext("transform"),
    );
    spy.mockRestore();

    // Assess: the record succeeds, nothing is deleted, and each output is named with why
    expect(response.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
    expect(warnings.map((line) => line.outputKey).sort()).toEqual(
      ["albums", "artists", "playlists", "songs"].map(
        (table) => `transformed_data/${table}/snapshot_date=2026-11-22/a.parquet`,
      ),
    );
    expect(warnings[0]!.reason).toContain("the bucket is not versioned");
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(0);
  });

  it("publishes EMF metrics on every invocation, counting the failed records of a partial batch", async () => {
    // Prepare: a.json fails, b.json succeeds
    s3.on(GetObjectCommand, { Key: "raw_data/to_process/a.json" }).rejects(
      Object.assign(new Error("Access Denied"), { name: "AccessDenied" }),
    );
    const lines: string[] = [];
    const spy = jest
      .spyOn(console, "log")
      .mockImplementation((line: unknown) => void lines.push(String(line)));

    // Act
    const response = await handler(
      eventFor("raw_data/to_process/a.json", "raw_data/to_process/b.json"),
      lambdaContext("transform"),
    );
    spy.mockRestore();

    // Assess
    const emf = lines.map((line) => JSON.parse(line)).find((doc) => doc._aws);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(emf).toMatchObject({ RecordsFailed: 1, service: "spotify-etl-transform" });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe("SpotifyEtl");
  });

  it("counts every record failed when all of a batch's records fail", async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error("Access Denied"), { name: "AccessDenied" }),
    );
    const output = captureConsole();

    // Act
    const error = await handler(
      eventFor("raw_data/to_process/a.json", "raw_data/to_process/b.json"),
      lambdaContext("transform"),
    ).catch((e: unknown) => e);
    output.restore();

    // Assess
    expect(error).toBeInstanceOf(FullBatchFailureError);
    expect(emfOf(output.lines)).toMatchObject({ RecordsFailed: 2 });
  });

  it("logs at ERROR each output a failed table write's cleanup left in place", async () => {
    // Prepare: the playlists write fails; the bucket is not versioned, so the others stay
    s3.on(PutObjectCommand, { Key: `${OUTPUT_PREFIX("playlists")}a.parquet` }).rejects(
      new Error("Internal Error"),
    );
    const output = captureConsole();

    // Act
    await handler(eventFor("raw_data/to_process/a.json"), lambdaContext("transform")).catch(
      () => undefined,
    );
    output.restore();

    // Assess
    const leftBehind = output.lines.filter((line) =>
      String(line.message).startsWith("Cleanup after a failed table write left an output"),
    );
    expect(leftBehind.map((line) => [line.level, line.outputKey])).toEqual(
      ["songs", "albums", "artists"].map((table) => ["ERROR", `${OUTPUT_PREFIX(table)}a.parquet`]),
    );
  });

  it("starts the crawler after a chart export alone", async () => {
    // Prepare
    glue.on(StartCrawlerCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: sdkStreamMixin(
        Readable.from([
          "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
            "1,spotify:track:2plbrEY59IikOBgBGLjaoe,A,B,,1,1,466,5312345\n",
        ]),
      ),
      LastModified: new Date(),
    }));

    // Act
    const response = await handler(
      eventFor("raw_data/to_process/regional-global-daily-2026-11-30.csv"),
      lambdaContext("transform"),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(1);
  });

  it("publishes RowsWritten 0 for a table the snapshot wrote without rows", async () => {
    // Prepare: an empty playlist writes its playlists row and empty song tables
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: sdkStreamMixin(Readable.from([JSON.stringify(rawSnapshot([]))])),
      LastModified: new Date(),
    }));
    const output = captureConsole();

    // Act
    await handler(eventFor("raw_data/to_process/a.json"), lambdaContext("transform"));
    output.restore();

    // Assess
    expect(emfOf(output.lines)).toMatchObject({ SongsRowsWritten: 0, PlaylistsRowsWritten: 1 });
  });

  it("calls no Glue when GLUE_CRAWLER_NAME is unset", async () => {
    // Prepare
    setEnv({ GLUE_CRAWLER_NAME: undefined });

    // Act
    const response = await handler(
      eventFor("raw_data/to_process/a.json"),
      lambdaContext("transform"),
    );
    setEnv({ GLUE_CRAWLER_NAME: "lake-crawler" });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(glue.calls()).toHaveLength(0);
  });

  it.each([
    ["DATA_BUCKET unset", { DATA_BUCKET: undefined }, "DATA_BUCKET is not set"],
    ["MAX_RAW_OBJECT_BYTES=abc", { MAX_RAW_OBJECT_BYTES: "abc" }, "MAX_RAW_OBJECT_BYTES"],
  ])(
    "with %s, fails the batch with one ERROR line per record and counts every record failed",
    async (_label, env, problem) => {
      // Prepare
      const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
      setEnv(env);
      const lines: Record<string, unknown>[] = [];
      const spies = (["log", "info", "warn", "error"] as const).map((level) =>
        jest
          .spyOn(console, level)
          .mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)))),
      );

      // Act
      const error = await handler(
        eventFor("raw_data/to_process/a.json", "raw_data/to_process/b.json"),
        lambdaContext("transform"),
      ).catch((e: unknown) => e);
      spies.forEach((spy) => spy.mockRestore());
      setEnv(before);

      // Assess
      expect(error).toBeInstanceOf(TransformConfigError);
      const errors = lines.filter((line) => line.level === "ERROR");
      expect(errors.map((line) => line.messageId)).toEqual(["m1", "m2"]);
      for (const line of errors)
        expect(line).toMatchObject({ reason: expect.stringContaining(problem), retryable: true });
      expect(lines.find((line) => line._aws)).toMatchObject({ RecordsFailed: 2 });
      expect(s3.calls()).toHaveLength(0);
    },
  );

  it("works on a batch's records at once, so they wait for S3 together", async () => {
    // Prepare: every read takes a moment, so records that run at once overlap
    glue.on(StartCrawlerCommand).resolves({});
    const reads = slowReadsCountingOverlap();
    const keys = ["a", "b", "c", "d", "e"].map((name) => `raw_data/to_process/${name}.json`);

    // Act
    const response = await handler(eventFor(...keys), lambdaContext("transform"));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual(keys);
    expect(reads.mostAtOnce()).toBe(keys.length);
  });

  it("works on records one at a time when their sizes do not fit the raw-bytes budget together", async () => {
    // Prepare: each object takes 60% of the budget (an eighth of V8's heap limit), which is
    // also the size cap, so each is accepted but no two fit at once
    glue.on(StartCrawlerCommand).resolves({});
    const reads = slowReadsCountingOverlap();
    const heapLimit = (await import("node:v8")).getHeapStatistics().heap_size_limit;
    const size = Math.floor((heapLimit / HEAP_BYTES_PER_RAW_BYTE) * 0.6);
    const keys = ["a", "b", "c"].map((name) => `raw_data/to_process/${name}.json`);

    // Act
    const response = await handler(eventOfSize(size, ...keys), lambdaContext("transform"));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(keys.length);
    expect(reads.mostAtOnce()).toBe(1);
  });
});
