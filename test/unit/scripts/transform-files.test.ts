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
});
