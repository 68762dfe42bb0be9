/**
 * The named queries (queries/*.sql) that Terraform turns into Athena named queries and the
 * local mode runs with DuckDB: they follow the house rules for SQL both engines run, and
 * give the expected answers on a tiny in-memory data set with the tables' real columns.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const QUERIES_DIR = path.resolve(import.meta.dirname, "../../queries");
const QUERY_NAMES = [
  "latest_chart",
  "new_entries_since_previous_snapshot",
  "song_peak_position_and_days_on_chart",
  "top_artists_by_days_on_chart",
];

function sql(name: string): string {
  return readFileSync(path.join(QUERIES_DIR, `${name}.sql`), "utf8");
}

// [playlist, position, song, artist ids, snapshot day, extracted_at (null: a file that does not say)].
// Playlist p1: two days; the second extracted twice with different charts (08:00 and 16:00): the
// later snapshot is that day's chart. p2: one day, with a song that credits no artist id.
// p3: one day from a file without extracted_at. Artist a5 is only on p1's earlier 11-21 snapshot.
const SONGS: [string, number, string, string[], string, string | null][] = [
  ["p1", 1, "s1", ["a1", "a2"], "2026-11-20", "2026-11-20T16:00:00Z"],
  ["p1", 2, "s2", ["a2"], "2026-11-20", "2026-11-20T16:00:00Z"],
  ["p1", 3, "s3", ["a3"], "2026-11-20", "2026-11-20T16:00:00Z"],
  ["p1", 1, "s3", ["a3"], "2026-11-21", "2026-11-21T08:00:00Z"],
  ["p1", 2, "s1", ["a1", "a2"], "2026-11-21", "2026-11-21T08:00:00Z"],
  ["p1", 3, "s0", ["a5"], "2026-11-21", "2026-11-21T08:00:00Z"],
  ["p1", 1, "s2", ["a2"], "2026-11-21", "2026-11-21T16:00:00Z"],
  ["p1", 2, "s1", ["a1", "a2"], "2026-11-21", "2026-11-21T16:00:00Z"],
  ["p1", 3, "s4", ["a4"], "2026-11-21", "2026-11-21T16:00:00Z"],
  ["p2", 1, "s5", ["a1"], "2026-11-21", "2026-11-21T16:00:00Z"],
  ["p2", 2, "s6", [], "2026-11-21", "2026-11-21T16:00:00Z"],
  ["p3", 1, "s7", ["a3"], "2026-11-21", null],
];
const ARTISTS: [string, string][] = [
  ["a1", "Artist One"],
  ["a2", "Artist Two"],
  ["a3", "Artist Three"],
  ["a4", "Artist Four"],
  ["a5", "Artist Five"],
];

let connection: DuckDBConnection;

beforeAll(async () => {
  const instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  // The tables' columns (docs/DESIGN.md, "Tables"); snapshot_date is the Hive partition, a string.
  await connection.run(`CREATE TABLE songs (
    playlist_id VARCHAR, position INTEGER, song_id VARCHAR, song_name VARCHAR,
    duration_ms INTEGER, explicit BOOLEAN, popularity INTEGER, isrc VARCHAR,
    added_at TIMESTAMP, album_id VARCHAR, artist_ids VARCHAR[], song_url VARCHAR,
    extracted_at TIMESTAMP, snapshot_date VARCHAR)`);
  await connection.run(
    "CREATE TABLE artists (artist_id VARCHAR, artist_name VARCHAR, artist_url VARCHAR, snapshot_date VARCHAR)",
  );
  for (const [playlist, position, song, artists, day, extractedAt] of SONGS) {
    // DuckDB types `[]` as INTEGER[]: the cast keeps the empty list a VARCHAR[] like the others.
    const list = `CAST([${artists.map((a) => `'${a}'`).join(", ")}] AS VARCHAR[])`;
    const extracted = extractedAt
      ? `TIMESTAMP '${extractedAt.slice(0, 19).replace("T", " ")}'`
      : "NULL";
    await connection.run(
      `INSERT INTO songs VALUES ('${playlist}', ${position}, '${song}', 'Song ${song}', 180000, false,
        NULL, NULL, NULL, 'al-${song}', ${list}, NULL, ${extracted}, '${day}')`,
    );
    for (const artist of artists) {
      const name = ARTISTS.find(([id]) => id === artist)![1];
      await connection.run(`INSERT INTO artists VALUES ('${artist}', '${name}', NULL, '${day}')`);
    }
  }
});

async function run(name: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql(name));
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          typeof value === "bigint" ? Number(value) : value,
        ]),
      ),
    );
}

describe("queries/", () => {
  it("holds exactly the four named queries", () => {
    // Act
    const files = readdirSync(QUERIES_DIR).filter((f) => f.endsWith(".sql"));

    // Assess
    expect(files.sort()).toEqual(QUERY_NAMES.map((n) => `${n}.sql`));
  });

  it.each(QUERY_NAMES)(
    "%s opens with a -- description and stays in the SQL both engines run",
    (name) => {
      // Act
      const text = sql(name);
      const [firstLine] = text.split("\n");

      // Assess
      expect(firstLine).toMatch(/^-- \S.{10,}/);
      expect(text.trim().endsWith(";")).toBe(false);
      // Bare table names (Athena's workgroup database, DuckDB's views), no engine-specific calls.
      expect(text).not.toMatch(/\b\w+\.(songs|albums|artists|playlists)\b/);
      for (const specific of [
        /\bdate_parse\b/i,
        /\bstrptime\b/i,
        /\blist_/i,
        /\barray_join\b/i,
        /\bstring_agg\b/i,
        /::/,
        /\bQUALIFY\b/i,
      ]) {
        expect([name, specific.test(text)]).toEqual([name, false]);
      }
      expect(text).toMatch(/ORDER BY/);
    },
  );
});

describe("named queries on DuckDB", () => {
  it("latest_chart: each playlist's latest day, that day's latest snapshot only, one row per position", async () => {
    // Act
    const rows = await run("latest_chart");

    // Assess: p1's 08:00 snapshot of 2026-11-21 (s3, s1, s0) is not the day's chart.
    expect(
      rows.map((r) => [r.playlist_id, r.snapshot_date, r.position, r.song_id, r.lead_artist_name]),
    ).toEqual([
      ["p1", "2026-11-21", 1, "s2", "Artist Two"],
      ["p1", "2026-11-21", 2, "s1", "Artist One"],
      ["p1", "2026-11-21", 3, "s4", "Artist Four"],
      ["p2", "2026-11-21", 1, "s5", "Artist One"],
      ["p2", "2026-11-21", 2, "s6", null],
      ["p3", "2026-11-21", 1, "s7", "Artist Three"],
    ]);
  });

  it("top_artists_by_days_on_chart: days on chart, then best position, then id", async () => {
    // Act
    const rows = await run("top_artists_by_days_on_chart");

    // Assess: a5 was only on a snapshot that a later one the same day replaced.
    expect(
      rows.map((r) => [
        r.artist_id,
        r.artist_name,
        r.days_on_chart,
        r.songs_on_chart,
        r.best_position,
      ]),
    ).toEqual([
      ["a1", "Artist One", 2, 2, 1],
      ["a2", "Artist Two", 2, 2, 1],
      ["a3", "Artist Three", 2, 2, 1],
      ["a4", "Artist Four", 1, 1, 3],
    ]);
  });

  it("new_entries_since_previous_snapshot: only songs new on the latest day, only where a previous day exists", async () => {
    // Act
    const rows = await run("new_entries_since_previous_snapshot");

    // Assess: s0 was new only on the replaced 08:00 snapshot.
    expect(rows).toEqual([
      {
        snapshot_date: "2026-11-21",
        previous_snapshot_date: "2026-11-20",
        playlist_id: "p1",
        position: 3,
        song_name: "Song s4",
        lead_artist_name: "Artist Four",
        song_id: "s4",
      },
    ]);
  });

  it("song_peak_position_and_days_on_chart: best position and distinct days per playlist and song", async () => {
    // Act
    const rows = await run("song_peak_position_and_days_on_chart");

    // Assess: s3's position 1 on the replaced snapshot is no peak; s6 has no lead artist.
    expect(
      rows.map((r) => [
        r.playlist_id,
        r.song_id,
        r.lead_artist_name,
        r.peak_position,
        r.days_on_chart,
        r.first_day,
        r.last_day,
      ]),
    ).toEqual([
      ["p1", "s1", "Artist One", 1, 2, "2026-11-20", "2026-11-21"],
      ["p1", "s2", "Artist Two", 1, 2, "2026-11-20", "2026-11-21"],
      ["p1", "s3", "Artist Three", 3, 1, "2026-11-20", "2026-11-20"],
      ["p1", "s4", "Artist Four", 3, 1, "2026-11-21", "2026-11-21"],
      ["p2", "s5", "Artist One", 1, 1, "2026-11-21", "2026-11-21"],
      ["p2", "s6", null, 2, 1, "2026-11-21", "2026-11-21"],
      ["p3", "s7", "Artist Three", 1, 1, "2026-11-21", "2026-11-21"],
    ]);
  });
});
