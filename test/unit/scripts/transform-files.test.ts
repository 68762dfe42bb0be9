import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expandInputs, transformFiles } from "../../../scripts/lib/transform-files";
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

  it("rejects a malformed --date", async () => {
    await expect(transformFiles([], { outDir: work, snapshotDate: "22.11.2026" })).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });

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
      error: `the file is not valid UTF-8: byte 0xe9 at byte offset ${text.indexOf("Cafe") + 3} starts no valid character; save the file as UTF-8 and upload it again`,
    });
  });
});
