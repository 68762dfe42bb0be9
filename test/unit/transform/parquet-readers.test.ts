import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parquetMetadata } from "hyparquet";
import { encodeTable } from "../../../functions/transform/parquet";
import { normalizeSnapshot } from "../../../functions/transform/normalize-snapshot";
import { TABLE_NAMES, type TableName } from "../../../functions/shared/s3-layout";
import type { SnapshotTables } from "../../../functions/transform/tables";
import { differences, expectedResult, readWithEveryReader } from "../../support/parquet-readers";
import { top50Capture } from "../../support/spotify-fixtures";

const TEXTS = [
  "Ñandú café",
  "日本語の歌",
  "Песня",
  "أغنية",
  "🎶 emoji 🎸",
  'Comma, "quote"',
  "New\nline",
  "",
];
const text = (i: number) => `${TEXTS[i % TEXTS.length]} ${i}`;
const nullEvery = <T>(i: number, n: number, value: T): T | null => (i % n === 0 ? null : value);
/** No artists, one, or three: lists empty, short and long in every page. */
const artistIds = (i: number) =>
  Array.from({ length: [0, 1, 3][i % 3]! }, (_, k) => `ar${(i + k) % 97}`);

/** Every table with `count` rows: nulls in each nullable column, empty lists, non-Latin text. */
function syntheticTables(count: number): SnapshotTables {
  const day = Date.UTC(2026, 10, 20);
  return {
    songs: Array.from({ length: count }, (_, i) => ({
      playlist_id: "pl-日本",
      position: i + 1,
      song_id: `s${i}`,
      song_name: text(i),
      duration_ms: 120_000 + i,
      explicit: i % 3 === 0 || i % 7 === 0,
      popularity: nullEvery(i, 5, i % 101),
      isrc: nullEvery(i, 4, `ISRC${i}`),
      added_at: nullEvery(i, 6, new Date(day + i * 1_234)),
      album_id: `al${i % 500}`,
      artist_ids: artistIds(i),
      song_url: nullEvery(i, 9, `https://open.spotify.com/track/s${i}`),
      extracted_at: nullEvery(i, 8, new Date(day + 16 * 3_600_000 + i)),
    })),
    albums: Array.from({ length: count }, (_, i) => ({
      album_id: `al${i}`,
      album_name: text(i + 1),
      album_type: nullEvery(i, 4, "album"),
      release_date: nullEvery(i, 5, new Date(Date.UTC(1950 + (i % 80), i % 12, 1 + (i % 28)))),
      release_date_precision: nullEvery(i, 5, "day"),
      total_tracks: nullEvery(i, 6, 1 + (i % 30)),
      album_url: nullEvery(i, 7, `https://open.spotify.com/album/al${i}`),
      artist_ids: artistIds(i + 1),
    })),
    artists: Array.from({ length: count }, (_, i) => ({
      artist_id: `ar${i}`,
      artist_name: text(i + 2),
      artist_url: nullEvery(i, 3, `https://open.spotify.com/artist/ar${i}`),
    })),
    playlists: Array.from({ length: Math.min(count, 50) }, (_, i) => ({
      playlist_id: `pl${i}`,
      playlist_name: nullEvery(i, 2, text(i)),
      snapshot_id: nullEvery(i, 3, `snap${i}`),
      extracted_at: nullEvery(i, 4, new Date(day + i * 60_000)),
      total_items: nullEvery(i, 5, i * 10),
      entries_read: i * 10,
      songs_written: i * 9,
      entries_skipped: i,
      source_key: `raw_data/to_process/${text(i)}.json`,
    })),
  };
}

describe("every reader reads every value of the files encodeTable writes", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pq-readers-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes each table, reads it with every reader, and compares all values to the rows. */
  async function expectEveryReaderReads(name: string, tables: SnapshotTables): Promise<void> {
    const files = new Map<TableName, string>();
    for (const table of TABLE_NAMES) {
      const file = path.join(dir, `${name}-${table}.parquet`);
      await writeFile(file, encodeTable(table, tables[table]));
      files.set(table, file);
    }
    const results = await readWithEveryReader([...files.values()]);
    for (const [table, file] of files)
      expect({
        table,
        differences: differences(results.get(file)!, expectedResult(table, tables[table])),
      }).toEqual({ table, differences: [] });
  }

  it("a table with no rows", async () => {
    await expectEveryReaderReads("empty", { songs: [], albums: [], artists: [], playlists: [] });
  });

  it("25,000 rows with nulls, empty lists and non-Latin text, over many pages", async () => {
    await expectEveryReaderReads("large", syntheticTables(25_000));
  }, 120_000);

  it("a few rows, where the writer's own choice of encoding would be PLAIN", async () => {
    await expectEveryReaderReads("small", syntheticTables(7));
  });

  it("the real Top 50 capture", async () => {
    const source = { key: "raw_data/to_process/top50.json", lastModified: new Date() };
    await expectEveryReaderReads("top50", normalizeSnapshot(top50Capture(), source).tables);
  });

  it("writes one row group of v1 data pages, booleans PLAIN", () => {
    // Act
    const { row_groups } = parquetMetadata(
      encodeTable("songs", syntheticTables(25_000).songs).buffer as ArrayBuffer,
    );

    // Assess
    const stats = row_groups.flatMap((group) =>
      group.columns.flatMap((column) =>
        (column.meta_data!.encoding_stats ?? []).map((s) => ({
          column: column.meta_data!.path_in_schema.join("."),
          page_type: s.page_type,
          encoding: s.encoding,
        })),
      ),
    );
    expect(row_groups).toHaveLength(1);
    expect(stats.filter((s) => s.page_type === "DATA_PAGE_V2")).toEqual([]);
    expect(stats.filter((s) => s.column === "explicit")).toEqual([
      { column: "explicit", page_type: "DATA_PAGE", encoding: "PLAIN" },
    ]);
  });
});
