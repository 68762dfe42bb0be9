import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { processedKeyFor } from "../../functions/shared/s3-layout";
import { UsageError } from "../../scripts/ops/cli";
import {
  formatChartImport,
  importCharts,
  importChartsIntoLake,
} from "../../scripts/ops/import-charts";
import { readParquet } from "../support/parquet";
import { startEmulator, type Emulator } from "../support/emulator";
import { listKeys } from "../support/helpers";
import { recordingProgress } from "../support/ops-fakes";

const CHART =
  "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
  "1,spotify:track:2plbrEY59IikOBgBGLjaoe,Lady Gaga,Die With A Smile,Interscope,1,-1,1,5312345\n";

describe("import-charts, against fauxqs", () => {
  let emulator: Emulator;
  let work: string;
  let bucketNumber = 0;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), "import-charts-"));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function files(...names: string[]): Promise<string[]> {
    return Promise.all(
      names.map(async (name) => {
        const file = path.join(work, name);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, CHART);
        return file;
      }),
    );
  }
  function bucket(): string {
    bucketNumber += 1;
    emulator.server.createBucket(`charts-${bucketNumber}`);
    return `charts-${bucketNumber}`;
  }
  const keysIn = (name: string): Promise<string[]> => listKeys(emulator.s3, name);

  it("uploads named files and a folder's .csv files to raw_data/to_process/, with progress", async () => {
    const lake = bucket();
    const [single] = await files("regional-global-daily-2026-11-30.csv");
    await files("week/regional-de-daily-2026-11-29.csv", "week/regional-de-daily-2026-11-28.csv");
    await writeFile(path.join(work, "week", "notes.txt"), "not a chart");
    const progress = recordingProgress();

    const result = await importCharts(emulator.s3, lake, [single!, path.join(work, "week")], {
      progress,
    });

    expect(await keysIn(lake)).toEqual([
      "raw_data/to_process/regional-de-daily-2026-11-28.csv",
      "raw_data/to_process/regional-de-daily-2026-11-29.csv",
      "raw_data/to_process/regional-global-daily-2026-11-30.csv",
    ]);
    const body = await emulator.s3.send(
      new GetObjectCommand({ Bucket: lake, Key: result.uploaded[0]!.key }),
    );
    expect(await body.Body!.transformToString()).toBe(CHART);
    expect(progress.updates.map(({ done, total }) => [done, total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(progress.finished).toBe(true);
    expect(formatChartImport(result, { bucket: lake }).at(-1)).toBe("3 uploaded, 0 skipped");
  });

  it("refuses every file whose name is not a chart export's, before uploading anything", async () => {
    const lake = bucket();
    const good = await files("regional-global-daily-2026-11-30.csv");
    const bad = await files("top200-2026-11-30.csv", "regional-global-daily.csv");

    const act = importCharts(emulator.s3, lake, [...good, ...bad]);

    await expect(act).rejects.toThrow(UsageError);
    await expect(act).rejects.toThrow(/nothing uploaded: 2 file\(s\) are not named like/);
    await expect(act).rejects.toThrow(
      /top200-2026-11-30\.csv is not named like a Spotify Charts export/,
    );
    await expect(act).rejects.toThrow(/regional-global-daily\.csv has no date in its name/);
    expect(await keysIn(lake)).toEqual([]);
  });

  it("refuses two files of one name, which would upload to one key, before uploading anything", async () => {
    const lake = bucket();
    const [first, second] = await files(
      "exports/regional-global-daily-2026-11-30.csv",
      "backup/regional-global-daily-2026-11-30.csv",
    );

    const act = importCharts(emulator.s3, lake, [path.join(work, "exports"), second!]);

    await expect(act).rejects.toThrow(UsageError);
    await expect(act).rejects.toThrow(
      `nothing uploaded: 1 file(s) would overwrite another's upload to raw_data/to_process/; ` +
        `give each chart file once:\n  ${second} has the same file name as ${first}`,
    );
    expect(await keysIn(lake)).toEqual([]);
  });

  it("skips a file already in processed/ and says so, unless forced", async () => {
    const lake = bucket();
    const [file] = await files("regional-global-daily-2026-11-30.csv");
    const key = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
    await emulator.s3.send(
      new PutObjectCommand({ Bucket: lake, Key: processedKeyFor(key), Body: CHART }),
    );

    const skipped = await importCharts(emulator.s3, lake, [file!]);
    expect(skipped.uploaded).toEqual([]);
    expect(formatChartImport(skipped, { bucket: lake })[0]).toMatch(
      /^skipped .*regional-global-daily-2026-11-30\.csv: already in raw_data\/processed\/ \(pass --force/,
    );
    expect(await keysIn(lake)).toEqual([processedKeyFor(key)]);

    const forced = await importCharts(emulator.s3, lake, [file!], { force: true });
    expect(forced.uploaded.map((upload) => upload.key)).toEqual([key]);
    expect(await keysIn(lake)).toEqual([processedKeyFor(key), key].sort());
  });

  it("TARGET=local converts the files into the lake's chart_positions and reports a bad one alone", async () => {
    const [good] = await files("regional-global-daily-2026-11-30.csv");
    const bad = path.join(work, "regional-global-daily-2026-11-29.csv");
    await writeFile(bad, CHART.replace(",5312345", ",many"));
    const lake = path.join(work, "lake");
    const progress = recordingProgress();

    const result = await importChartsIntoLake([good!, bad], lake, { progress });

    const lines = formatChartImport(result, { lakeDir: lake });
    expect(lines[0]).toBe(
      `converted ${good} -> ${lake}/transformed_data/, ` +
        `copied to ${lake}/raw_data/processed/regional-global-daily-2026-11-30.csv`,
    );
    expect(lines[1]).toMatch(/^FAIL .*2026-11-29\.csv: .*line 2.*streams/);
    expect(lines[2]).toBe("1 converted, 0 skipped, 1 failed");
    expect(progress.updates.map(({ done, total }) => [done, total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(progress.finished).toBe(true);
    const partition = path.join(lake, "transformed_data/chart_positions/snapshot_date=2026-11-30");
    const [file] = await readdir(partition);
    const { rows } = await readParquet(path.join(partition, file!));
    expect(rows.map((row) => [row.rank, row.song_id, Number(row.streams)])).toEqual([
      [1, "2plbrEY59IikOBgBGLjaoe", 5312345],
    ]);
    // As the transform moves a raw object: the failed file is not marked processed.
    expect(await readdir(path.join(lake, "raw_data/processed"))).toEqual([
      "regional-global-daily-2026-11-30.csv",
    ]);
  });

  it("TARGET=local skips a file already in the lake's raw_data/processed/, unless forced", async () => {
    const [file] = await files("regional-global-daily-2026-11-30.csv");
    const lake = path.join(work, "lake");
    const processed = path.join(lake, "raw_data/processed/regional-global-daily-2026-11-30.csv");
    await mkdir(path.dirname(processed), { recursive: true });
    await writeFile(processed, CHART);

    const skipped = await importChartsIntoLake([file!], lake);
    expect(skipped.uploaded).toEqual([]);
    expect(formatChartImport(skipped, { lakeDir: lake })[0]).toMatch(
      /^skipped .*already in raw_data\/processed\/ \(pass --force to convert it again\)$/,
    );
    await expect(readdir(path.join(lake, "transformed_data"))).rejects.toThrow(/ENOENT/);

    const forced = await importChartsIntoLake([file!], lake, { force: true });
    expect(forced.uploaded).toHaveLength(1);
    expect(await readdir(path.join(lake, "transformed_data"))).toEqual(["chart_positions"]);
  });

  it("TARGET=local refuses a name that is not an export's before converting anything", async () => {
    const [good] = await files("regional-global-daily-2026-11-30.csv");
    const [odd] = await files("top200.csv");
    const lake = path.join(work, "lake");
    await expect(importChartsIntoLake([good!, odd!], lake)).rejects.toThrow(UsageError);
    await expect(readdir(lake)).rejects.toThrow(/ENOENT/);
  });
});
