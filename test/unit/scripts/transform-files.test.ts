import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expandInputs } from "../../../scripts/lib/input-files";
import { transformFiles } from "../../../scripts/lib/transform-files";
import { readParquet } from "../../support/parquet";
import { differences, readWithEveryReader } from "../../support/parquet-readers";
import { entry, rawSnapshot, track } from "../../support/spotify-fixtures";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");

describe("transformFiles (the command-line converter)", () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), "transform-files-"));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("converts a tutorial dump and a snapshot into the lake layout, and reports a bad file alone", async () => {
    // Prepare
    const inputs = path.join(work, "in");
    await (await import("node:fs/promises")).mkdir(inputs);
    await writeFile(path.join(inputs, "day1.json"), JSON.stringify(rawSnapshot([entry(track())])));
    await writeFile(path.join(inputs, "broken.json"), "{");
    const files = [
      ...(await expandInputs([inputs])),
      path.join(FIXTURES, "top50-global-2024-04-22.playlist.json"),
    ];

    // Act
    const results = await transformFiles(files, {
      outDir: path.join(work, "out"),
      snapshotDate: "2024-04-22",
    });

    // Assess
    expect(results.map((r) => [path.basename(r.file), r.ok])).toEqual([
      ["broken.json", false],
      ["day1.json", true],
      ["top50-global-2024-04-22.playlist.json", true],
    ]);
    expect(results[0]).toMatchObject({ error: expect.stringContaining("JSON") });
    const top50Songs = path.join(
      work,
      "out/transformed_data/songs/snapshot_date=2024-04-22/top50-global-2024-04-22.playlist.parquet",
    );
    const { rows } = await readParquet(top50Songs);
    expect(rows).toHaveLength(50);
    expect(rows[49]).toMatchObject({ position: 50, playlist_id: "37i9dQZEVXbMDoHDwVN2tF" });
    // A raw snapshot keeps its own date: --date is only for files that do not say.
    const day1 = path.join(
      work,
      "out/transformed_data/playlists/snapshot_date=2026-11-22/day1.parquet",
    );
    expect((await readParquet(day1)).rows[0]).toMatchObject({ songs_written: 1 });
    const written = (await readdir(path.join(work, "out"), { recursive: true }))
      .filter((file) => file.endsWith(".parquet"))
      .map((file) => path.join(work, "out", file));
    expect(written).toHaveLength(8);
    for (const [file, read] of await readWithEveryReader(written))
      expect({ file, differences: differences(read, read.duckdb) }).toEqual({
        file,
        differences: [],
      });
  });

  it("refuses a second file with the same name, whose tables would overwrite the first's", async () => {
    // Prepare
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(work, "a"));
    await mkdir(path.join(work, "b"));
    for (const dir of ["a", "b"])
      await writeFile(path.join(work, dir, "day.json"), JSON.stringify(rawSnapshot([])));

    // Act
    const results = await transformFiles(
      [path.join(work, "a/day.json"), path.join(work, "b/day.json")],
      {
        outDir: path.join(work, "out"),
      },
    );

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[1]).toMatchObject({ error: expect.stringContaining("same file name as") });
  });

  it("converts files in worker threads, and fails the file of a worker that dies with why", async () => {
    // Prepare: a worker script that names its thread, or dies by a throw or an exit
    const script = path.join(work, "worker.mjs");
    await writeFile(
      script,
      `import { parentPort, threadId } from "node:worker_threads";
      parentPort.on("message", ({ file }) => {
        if (file === "throws") throw new Error("boom");
        if (file === "exits") process.exit(3);
        parentPort.postMessage({ file, ok: false, error: "thread " + threadId });
      });`,
    );

    // Act: a worker each for the first four files, this thread for the last
    const results = await transformFiles(["a", "b", "throws", "exits", "last"], {
      outDir: work,
      workerScript: pathToFileURL(script),
      threads: 5,
    });

    // Assess
    const errors = results.map((result) => !result.ok && result.error);
    expect(errors).toEqual([
      expect.stringMatching(/^thread [1-9]/),
      expect.stringMatching(/^thread [1-9]/),
      "ended the worker converting it: boom",
      "ended the worker converting it",
      expect.stringContaining("ENOENT"),
    ]);
    expect(errors[0]).not.toBe(errors[1]);
  });

  it.each(["22.11.2026", "2026-02-30", "2026-13-01"])(
    "rejects --date %s before converting a file (no silent shift to another day)",
    async (snapshotDate) => {
      await expect(transformFiles([], { outDir: work, snapshotDate })).rejects.toThrow(
        `--date must be a date as YYYY-MM-DD, got "${snapshotDate}"`,
      );
    },
  );

  it("fails a file over the size cap alone, before reading it, and converts the files after it", async () => {
    // Prepare
    const big = path.join(work, "big.json");
    const small = path.join(work, "small.json");
    const snapshot = JSON.stringify(rawSnapshot([entry(track())]));
    await writeFile(
      big,
      JSON.stringify(rawSnapshot(Array.from({ length: 30 }, () => entry(track())))),
    );
    await writeFile(small, snapshot);

    // Act
    const results = await transformFiles([big, small], {
      outDir: path.join(work, "out"),
      maxRawBytes: Buffer.byteLength(snapshot) + 10,
    });

    // Assess
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(results[0]).toMatchObject({
      error: expect.stringMatching(
        /^is 0\.0 MiB, more than the 0\.0 MiB this process can transform \(MAX_RAW_OBJECT_BYTES=\d+\); give node a larger heap/,
      ),
    });
  });

  it("takes the cap from MAX_RAW_OBJECT_BYTES when no option sets it", async () => {
    // Prepare
    const file = path.join(work, "day.json");
    await writeFile(file, JSON.stringify(rawSnapshot([entry(track())])));
    process.env.MAX_RAW_OBJECT_BYTES = "100";

    // Act
    const results = await transformFiles([file], { outDir: path.join(work, "out") }).finally(() => {
      delete process.env.MAX_RAW_OBJECT_BYTES;
    });

    // Assess
    expect(results[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining("MAX_RAW_OBJECT_BYTES=100"),
    });
  });

  it("accepts a byte order mark and fails a file that is not UTF-8, naming the offset", async () => {
    // Prepare
    const text = JSON.stringify(rawSnapshot([entry(track({ name: "Cafe" }))]));
    const withBom = path.join(work, "bom.json");
    const latin1 = path.join(work, "latin1.json");
    await writeFile(withBom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const bad = Buffer.from(text);
    bad[text.indexOf("Cafe") + 3] = 0xe9;
    await writeFile(latin1, bad);

    // Act
    const results = await transformFiles([withBom, latin1], { outDir: path.join(work, "out") });

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[1]).toMatchObject({
      error: `the file is not valid UTF-8: byte 0xe9 at byte offset ${text.indexOf("Cafe") + 3} starts no valid character; save the file as UTF-8 and upload or convert it again`,
    });
  });
});

describe("the bundled converter (dist/transform-files.mjs, worker threads)", () => {
  const BUNDLE = path.resolve(import.meta.dirname, "../../../dist/transform-files.mjs");
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), "transform-files-workers-"));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it.each([
    [
      ["--date", "2026-02-30", FIXTURES],
      'error: --date must be a date as YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      [],
      'error: usage: make transform-files ARGS="--out DIR [--date YYYY-MM-DD] FILE_OR_FOLDER..."',
    ],
  ])(
    "refuses the command-line mistake %j with a one-line error and exit code 2, writing nothing",
    (args, message) => {
      // Act
      const run = spawnSync(process.execPath, [BUNDLE, "--out", path.join(work, "out"), ...args], {
        encoding: "utf8",
      });

      // Assess
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toBe(message);
      expect(existsSync(path.join(work, "out"))).toBe(false);
    },
  );

  it("writes byte for byte what the one-thread converter writes, charts included, and fails a bad file alone", async () => {
    // Prepare: more files than lanes, so every lane converts several
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make build\` first`);
    const inputs = path.join(work, "in");
    await mkdir(inputs);
    for (let day = 1; day <= 6; day++) {
      const snapshot = rawSnapshot([entry(track({ id: `song${day}` }))]);
      await writeFile(path.join(inputs, `day${day}.json`), JSON.stringify(snapshot));
    }
    await writeFile(path.join(inputs, "broken.json"), "{");
    await writeFile(
      path.join(inputs, "regional-global-daily-2026-11-30.csv"),
      "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
        '1,spotify:track:2plbrEY59IikOBgBGLjaoe,"Lady Gaga, Bruno Mars",Die With A Smile,Interscope,1,-1,1,5312345\n',
    );
    const files = await expandInputs([inputs]);
    await transformFiles(files, {
      outDir: path.join(work, "one-thread"),
      snapshotDate: "2026-11-22",
    });

    // Act
    const run = spawnSync(
      process.execPath,
      [BUNDLE, "--out", path.join(work, "workers"), "--date", "2026-11-22", inputs],
      { encoding: "utf8" },
    );

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^FAIL .*broken\.json: /m);
    expect(run.stdout).toMatch(
      /regional-global-daily-2026-11-30\.csv -> snapshot_date=2026-11-30: 1 chart positions/,
    );
    expect(run.stdout).toMatch(/7 file\(s\) written under .*, 1 failed/);
    const written = async (root: string) =>
      (await readdir(root, { recursive: true, withFileTypes: true }))
        .filter((dirent) => dirent.isFile())
        .map((dirent) => path.relative(root, path.join(dirent.parentPath, dirent.name)))
        .sort();
    const expected = await written(path.join(work, "one-thread"));
    expect(expected).toHaveLength(6 * 4 + 1);
    expect(await written(path.join(work, "workers"))).toEqual(expected);
    for (const file of expected) {
      const [a, b] = await Promise.all(
        ["one-thread", "workers"].map((dir) => readFile(path.join(work, dir, file))),
      );
      expect(Buffer.compare(a!, b!)).toBe(0);
    }
  });
});
