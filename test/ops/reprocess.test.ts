import { jest } from "@jest/globals";
import {
  ListObjectVersionsCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  rawKeyFor,
  processedKeyFor,
  SNAPSHOT_DATE_METADATA,
} from "../../functions/shared/s3-layout";
import { UsageError } from "../../scripts/ops/cli";
import {
  formatReprocessResult,
  reprocessSnapshots,
  type ReprocessOptions,
} from "../../scripts/ops/reprocess";
import { startEmulator, type Emulator } from "../support/emulator";
import { listKeys } from "../support/helpers";
import { startMotoS3, type MotoS3 } from "../support/moto";
import { recordingProgress } from "../support/ops-fakes";

describe("reprocess, against fauxqs", () => {
  let emulator: Emulator;
  let bucketNumber = 0;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  // Processed snapshots named by extract (dates in the name), plus an older pipeline's dump.
  const named = {
    apr20: processedKeyFor(
      rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", new Date("2024-04-20T16:00:03.123Z")),
    ),
    apr21: processedKeyFor(
      rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", new Date("2024-04-21T16:00:01.000Z")),
    ),
    apr21late: processedKeyFor(
      rawKeyFor("37i9dQZEVXbLiRSasKsNU9", new Date("2024-04-21T23:59:59.999Z")),
    ),
    apr22: processedKeyFor(
      rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", new Date("2024-04-22T00:00:00.000Z")),
    ),
  };
  const legacy = "raw_data/processed/top50_global_page.json";
  const notJson = "raw_data/processed/README.txt";

  async function lakeWithSnapshots(): Promise<string> {
    bucketNumber += 1;
    const bucket = `lake-${bucketNumber}`;
    emulator.server.createBucket(bucket);
    for (const key of [...Object.values(named), legacy, notJson]) {
      await emulator.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify({ key }),
          ContentType: "application/json",
          Metadata: { origin: "test" },
        }),
      );
    }
    return bucket;
  }

  const keysIn = (bucket: string): Promise<string[]> => listKeys(emulator.s3, bucket);

  const toProcess = (processedKey: string) =>
    processedKey.replace("raw_data/processed/", "raw_data/to_process/");

  function run(
    options: Partial<ReprocessOptions> & { bucket: string },
    progress = recordingProgress(),
  ) {
    const log: string[] = [];
    return reprocessSnapshots(
      { dryRun: false, ...options },
      { s3: emulator.s3, progress, log: (line) => log.push(line) },
    );
  }

  it("moves the snapshots of a date range back to to_process/: copied, then deleted", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const before = await keysIn(bucket);
    const commands: string[] = [];
    const realSend = emulator.s3.send.bind(emulator.s3);
    const spy = jest.spyOn(emulator.s3, "send").mockImplementation(((command: {
      input: { Key?: string };
    }) => {
      commands.push(`${command.constructor.name} ${command.input.Key ?? ""}`);
      return realSend(command as never);
    }) as never);
    const progress = recordingProgress();

    // Act
    const result = await run({ bucket, from: "2024-04-21", to: "2024-04-21" }, progress);
    spy.mockRestore();

    // Assess
    const moved = [named.apr21, named.apr21late];
    expect(result.moved).toEqual(moved.map(toProcess).sort());
    expect(result.failed).toEqual([]);
    expect(await keysIn(bucket)).toEqual(
      before
        .filter((key) => !moved.includes(key))
        .concat(moved.map(toProcess))
        .sort(),
    );
    for (const key of moved) {
      const object = await emulator.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: toProcess(key) }),
      );
      expect(await object.Body!.transformToString()).toBe(JSON.stringify({ key }));
      const copyAt = commands.indexOf(`CopyObjectCommand ${toProcess(key)}`);
      const deleteAt = commands.indexOf(`DeleteObjectCommand ${key}`);
      expect(copyAt).toBeGreaterThanOrEqual(0);
      expect(deleteAt).toBeGreaterThan(copyAt);
    }
    expect(progress.updates.at(-1)).toEqual({ done: 2, total: 2 });
    expect(progress.finished).toBe(true);
    expect(result.skipped).toBe(4); // two other dates, the legacy dump (dated today), README.txt
    expect(formatReprocessResult(result, bucket)).toEqual({
      lines: [
        expect.stringContaining("moved 2 of 2 snapshot(s) to raw_data/to_process/; failed 0"),
        "(4 other processed object(s) left alone.)",
      ],
      exitCode: 0,
    });
  });

  it("takes Spotify Charts exports too, dated by the date in their name", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const chart = "raw_data/processed/regional-global-daily-2024-04-21.csv";
    const laterChart = "raw_data/processed/regional-de-weekly-2024-04-25.csv";
    for (const key of [chart, laterChart]) {
      await emulator.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "csv" }));
    }

    // Act
    const result = await run({ bucket, from: "2024-04-21", to: "2024-04-21" });

    // Assess
    expect(result.moved).toEqual([named.apr21, named.apr21late, chart].map(toProcess).sort());
    expect(result.selected.find((s) => s.processedKey === chart)).toMatchObject({
      snapshotDate: "2024-04-21",
      datedBy: "name",
    });
    expect(await keysIn(bucket)).toContain(laterChart);
    expect(result.skipped).toBe(5); // as above, plus the later chart
  });

  it("leaves a .csv not named like a chart export alone, counted as skipped; --key names it in an error", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const stray = "raw_data/processed/notes.csv";
    await emulator.s3.send(new PutObjectCommand({ Bucket: bucket, Key: stray, Body: "a,b" }));

    // Act
    const dryRun = await run({ bucket, all: true, dryRun: true });
    const result = await run({ bucket, from: "2024-04-21", to: "2024-04-21" });

    // Assess
    expect(dryRun.selected.map((s) => s.processedKey)).not.toContain(stray);
    expect(dryRun.skipped).toBe(2); // README.txt, notes.csv
    expect(result.moved).toEqual([named.apr21, named.apr21late].map(toProcess).sort());
    expect(result.skipped).toBe(5); // two other dates, the legacy dump, README.txt, notes.csv
    expect(await keysIn(bucket)).toContain(stray);
    await expect(run({ bucket, key: "notes.csv" })).rejects.toThrow("notes.csv has no date");
  });

  it("--dry-run lists what would move and moves nothing", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const before = await keysIn(bucket);

    // Act
    const result = await run({ bucket, from: "2024-04-21", dryRun: true });

    // Assess
    expect(await keysIn(bucket)).toEqual(before);
    expect(result.moved).toEqual([]);
    expect(
      result.selected.map((snapshot) => [
        snapshot.processedKey,
        snapshot.snapshotDate,
        snapshot.datedBy,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [named.apr21, "2024-04-21", "name"],
        [named.apr21late, "2024-04-21", "name"],
        [named.apr22, "2024-04-22", "name"],
        [legacy, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), "last-modified"],
      ]),
    );
    expect(result.selected).toHaveLength(4);
    const report = formatReprocessResult(result, bucket);
    expect(report.lines[0]).toBe("Dry run: nothing moved. 4 snapshot(s) would be reprocessed:");
    expect(report.lines).toContain(
      `  2024-04-22  s3://${bucket}/${named.apr22} -> ${toProcess(named.apr22)}`,
    );
  });

  it.each([
    ["a date range", "2024-04-22", "pinned"],
    ["--key", "2024-04-22", "pinned"],
    // Not a date: dated by LastModified instead.
    ["--key", "2024-4-22", "last-modified"],
  ] as const)(
    "keeps a pinned date when an undated snapshot is reprocessed a second time (by %s, pinned %s: dated by %s)",
    async (by, pinned, datedBy) => {
      // Prepare: a dump reprocessed once before, transformed and back in processed/ (the
      // transform's copy keeps the metadata), so its LastModified is now the reprocess day.
      const bucket = await lakeWithSnapshots();
      const dump = "raw_data/processed/second time dump.json";
      await emulator.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: dump,
          Body: "[]",
          Metadata: { [SNAPSHOT_DATE_METADATA]: pinned },
        }),
      );
      const head = await emulator.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: dump }));
      const date = datedBy === "pinned" ? pinned : head.LastModified!.toISOString().slice(0, 10);

      // Act
      const result = await run(
        by === "--key" ? { bucket, key: dump } : { bucket, from: date, to: date },
      );

      // Assess
      expect(result.selected).toContainEqual({
        processedKey: dump,
        toProcessKey: toProcess(dump),
        snapshotDate: date,
        datedBy,
        headers: expect.objectContaining({
          metadata: { [SNAPSHOT_DATE_METADATA]: pinned },
        }) as unknown,
      });
      const copy = await emulator.s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: toProcess(dump) }),
      );
      expect(copy.Metadata).toEqual({ [SNAPSHOT_DATE_METADATA]: date });
    },
  );

  it.each(["a date range", "--key"])(
    "dates a snapshot whose name has no date by its LastModified, and keeps that date on the copy (by %s)",
    async (by) => {
      // Prepare
      const bucket = await lakeWithSnapshots();
      const head = await emulator.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: legacy }));
      const day = head.LastModified!.toISOString().slice(0, 10);
      const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000)
        .toISOString()
        .slice(0, 10);

      const heads: string[] = [];
      emulator.s3.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === "HeadObjectCommand")
            heads.push((args.input as { Key: string }).Key);
          return next(args);
        },
        { step: "initialize", name: "countHeads" },
      );

      // Act
      const before = await run({ bucket, from: "2024-01-01", to: dayBefore, dryRun: true });
      heads.length = 0;
      const result = await run(
        by === "--key" ? { bucket, key: legacy } : { bucket, from: day, to: day },
      );
      emulator.s3.middlewareStack.remove("countHeads");

      // Assess
      expect(before.selected.map((snapshot) => snapshot.processedKey)).not.toContain(legacy);
      expect(result.selected).toEqual([
        {
          processedKey: legacy,
          toProcessKey: toProcess(legacy),
          snapshotDate: day,
          datedBy: "last-modified",
          headers: { contentType: "application/json", metadata: { origin: "test" } },
        },
      ]);
      // One HEAD for the undated name, at selection; the copy reuses what it said.
      expect(heads).toEqual([legacy]);
      const copy = await emulator.s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: toProcess(legacy) }),
      );
      expect(copy.Metadata).toEqual({ origin: "test", [SNAPSHOT_DATE_METADATA]: day });
      expect(copy.ContentType).toBe("application/json");
      expect(await keysIn(bucket)).not.toContain(legacy);
    },
  );

  it.each([
    ["a bare name", (key: string) => key.slice("raw_data/processed/".length)],
    ["a processed key", (key: string) => key],
    ["its to_process key", (key: string) => key.replace("processed", "to_process")],
  ])("--key moves one snapshot given %s", async (_, spell) => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const before = await keysIn(bucket);

    // Act
    const result = await run({ bucket, key: spell(named.apr20) });

    // Assess
    expect(result.moved).toEqual([toProcess(named.apr20)]);
    expect(await keysIn(bucket)).toEqual(
      before
        .filter((key) => key !== named.apr20)
        .concat(toProcess(named.apr20))
        .sort(),
    );
  });

  it("--key fails clearly for an unknown snapshot, one already waiting in to_process/, and a key outside raw_data/", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    await run({ bucket, key: named.apr22 });

    // Act
    const unknown = run({ bucket, key: "nope_20240101T000000000Z.json" });
    const waiting = run({ bucket, key: named.apr22 });

    // Assess
    await expect(unknown).rejects.toThrow(UsageError);
    await expect(unknown).rejects.toThrow(
      `No snapshot s3://${bucket}/raw_data/processed/nope_20240101T000000000Z.json`,
    );
    await expect(waiting).rejects.toThrow("is already waiting for the transform");
    await expect(run({ bucket, key: "other/x.json" })).rejects.toThrow(
      "--key other/x.json is not under raw_data/processed/",
    );
  });

  it("keeps the processed copy of a snapshot whose copy failed, reports it, and moves the others", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const realSend = emulator.s3.send.bind(emulator.s3);
    const spy = jest.spyOn(emulator.s3, "send").mockImplementation(((command: {
      input: { Key?: string };
    }) => {
      if (command instanceof CopyObjectCommand && command.input.Key === toProcess(named.apr21)) {
        return Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
      }
      return realSend(command as never);
    }) as never);

    // Act
    const result = await run({ bucket, from: "2024-04-21", to: "2024-04-22" });
    spy.mockRestore();

    // Assess
    expect(result.failed).toEqual([
      { processedKey: named.apr21, error: "AccessDenied: Access Denied" },
    ]);
    expect(result.moved).toEqual([toProcess(named.apr21late), toProcess(named.apr22)].sort());
    const keys = await keysIn(bucket);
    expect(keys).toContain(named.apr21);
    expect(keys).not.toContain(toProcess(named.apr21));
    const report = formatReprocessResult(result, bucket);
    expect(report.exitCode).toBe(1);
    expect(report.lines).toContain(`  not moved: ${named.apr21}: AccessDenied: Access Denied`);
  });

  it("never deletes before the copy exists: a failed delete leaves the snapshot in both places", async () => {
    // Prepare
    const bucket = await lakeWithSnapshots();
    const realSend = emulator.s3.send.bind(emulator.s3);
    const spy = jest.spyOn(emulator.s3, "send").mockImplementation(((command: unknown) => {
      if (command instanceof DeleteObjectCommand) return Promise.reject(new Error("throttled"));
      return realSend(command as never);
    }) as never);

    // Act
    const result = await run({ bucket, key: named.apr20 });
    spy.mockRestore();

    // Assess
    expect(result.failed).toHaveLength(1);
    const keys = await keysIn(bucket);
    expect(keys).toContain(named.apr20);
    expect(keys).toContain(toProcess(named.apr20));
  });
});

describe("reprocess over moto's versioned S3 (as Terraform makes the bucket)", () => {
  let moto: MotoS3;
  const bucket = "versioned-lake";
  beforeAll(async () => {
    moto = await startMotoS3();
    await moto.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await moto.s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
  });
  afterAll(async () => {
    await moto.stop();
  });

  it("deletes only the processed/ version it copied: the transform's fresh copy survives", async () => {
    // Prepare
    const processedKey = processedKeyFor(
      rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", new Date("2024-04-20T16:00:03.123Z")),
    );
    await moto.s3.send(new PutObjectCommand({ Bucket: bucket, Key: processedKey, Body: "old" }));
    const realSend = moto.s3.send.bind(moto.s3);
    // The transform wins the race: it moves the copy back to processed/ before the delete lands.
    const spy = jest.spyOn(moto.s3, "send").mockImplementation((async (command: unknown) => {
      const output = await realSend(command as never);
      if (command instanceof CopyObjectCommand) {
        await realSend(
          new PutObjectCommand({ Bucket: bucket, Key: processedKey, Body: "fresh" }) as never,
        );
      }
      return output;
    }) as never);

    // Act
    const result = await reprocessSnapshots(
      { bucket, key: processedKey, dryRun: false },
      { s3: moto.s3, progress: recordingProgress(), log: () => {} },
    );
    spy.mockRestore();

    // Assess
    expect(result.failed).toEqual([]);
    const current = await moto.s3.send(new GetObjectCommand({ Bucket: bucket, Key: processedKey }));
    expect(await current.Body!.transformToString()).toBe("fresh");
  });

  it("leaves no older processed/ version current, and loses none: a chart imported twice is not served as done", async () => {
    // Prepare: `make import-charts ARGS=--force` stacked NEW over OLD, no delete marker between.
    const processedKey = "raw_data/processed/regional-global-daily-2024-04-21.csv";
    for (const body of ["OLD", "NEW"]) {
      await moto.s3.send(new PutObjectCommand({ Bucket: bucket, Key: processedKey, Body: body }));
    }

    // Act
    const result = await reprocessSnapshots(
      { bucket, key: processedKey, dryRun: false },
      { s3: moto.s3, progress: recordingProgress(), log: () => {} },
    );

    // Assess
    expect(result.failed).toEqual([]);
    await expect(
      moto.s3.send(new GetObjectCommand({ Bucket: bucket, Key: processedKey })),
    ).rejects.toMatchObject({ name: "NoSuchKey" });
    const copy = await moto.s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: processedKey.replace("processed", "to_process"),
      }),
    );
    expect(await copy.Body!.transformToString()).toBe("NEW");
    const { Versions = [], DeleteMarkers = [] } = await moto.s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: processedKey }),
    );
    expect(Versions).toHaveLength(2); // OLD and NEW stay recoverable behind the marker
    expect(DeleteMarkers).toHaveLength(1);
  });
});
