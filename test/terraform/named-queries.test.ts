/**
 * The named queries (queries/*.sql) that Terraform turns into Athena named queries and the
 * local mode runs with DuckDB: they follow the house rules for SQL both engines run, and
 * give the expected answers on a tiny in-memory data set with the tables' real columns.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { readdirSync } from "node:fs";
import { QUERIES_DIR, namedQuery } from "../../scripts/lib/named-queries";

const QUERY_NAMES = [
  "chart_artist_streams_per_day",
  "chart_climbers_and_fallers",
  "chart_new_entries_and_reentries",
  "chart_song_streams_and_rank_over_time",
  "latest_chart",
  "new_entries_since_previous_snapshot",
  "song_peak_position_and_days_on_chart",
  "top_artists_by_days_on_chart",
];

/** The statement as Athena stores it and DuckDB runs it, shared CTEs spliced in. */
function sql(name: string): string {
  return namedQuery(name).sql;
}

// [playlist, position, song, artist ids, snapshot day, extracted_at (null: a file that does not say)].
// Playlist p1: two days; the second extracted twice with different charts (08:00 and 16:00): the
// later snapshot is that day's chart. p2: one day, with a song that credits no artist id.
// p3: one day from two files without extracted_at, one with s7 first, the other s8 then s7.
// p4: its latest day (11-20) is not the others'; s4, new on p1, was on p4's day before.
// Artist a5 is only on p1's earlier 11-21 snapshot.
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
  ["p3", 1, "s8", [], "2026-11-21", null],
  ["p3", 2, "s7", ["a3"], "2026-11-21", null],
  ["p4", 1, "s4", ["a4"], "2026-11-19", "2026-11-19T16:00:00Z"],
  ["p4", 1, "s5", ["a1"], "2026-11-20", "2026-11-20T16:00:00Z"],
];
const ARTISTS: [string, string][] = [
  ["a1", "Artist One"],
  ["a2", "Artist Two"],
  ["a3", "Artist Three"],
  ["a4", "Artist Four"],
  ["a5", "Artist Five"],
];

// chart_positions: [chart, day, rank, song, artist_names, previous_rank, periods_on_chart, streams].
// The global daily chart has files for 11-20, 11-21 and 11-23 (none for 11-22): the file before
// 11-23 is 11-21. sC is back on 11-23 (the export counts 8 days); sD too, in a file that gives no
// count, so the lake says it is a re-entry; sE is credited to a name holding ", ". The US weekly
// chart has a file on 11-19, where sA is a re-entry the lake never saw, and one on 11-22 (a day
// the daily chart lacks) where sB and sC, seen only on the daily chart before, are new entries.
const G = "regional-global-daily";
const W = "regional-us-weekly";
const CHART_LINES: [
  string,
  string,
  number,
  string,
  string,
  number | null,
  number | null,
  number,
][] = [
  [G, "2026-11-20", 1, "sA", "A1", 1, 10, 1000],
  [G, "2026-11-20", 2, "sB", "A1, A2", 3, 5, 900],
  [G, "2026-11-20", 3, "sC", "A2", 2, 7, 800],
  [G, "2026-11-20", 4, "sG", "A4", 9, 3, 700],
  [G, "2026-11-21", 1, "sB", "A1, A2", 2, 6, 950],
  [G, "2026-11-21", 2, "sA", "A1", 1, 11, 940],
  [G, "2026-11-21", 3, "sD", "A3", null, 1, 700],
  [G, "2026-11-23", 1, "sB", "A1, A2", 1, 7, 990],
  [G, "2026-11-23", 2, "sC", "A2", null, 8, 850],
  [G, "2026-11-23", 3, "sE", "Tyler, The Creator", null, null, 600],
  [G, "2026-11-23", 4, "sD", "A3", null, null, 500],
  [W, "2026-11-19", 1, "sA", "A1", null, 3, 7000],
  [W, "2026-11-19", 2, "sF", "A4", 1, 2, 6000],
  [W, "2026-11-22", 1, "sB", "A1, A2", null, 1, 5000],
  [W, "2026-11-22", 2, "sC", "A2", null, 1, 4000],
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
  await connection.run(`CREATE TABLE chart_positions (
    chart VARCHAR, region VARCHAR, period VARCHAR, rank INTEGER, song_id VARCHAR,
    song_name VARCHAR, artist_names VARCHAR, label VARCHAR, peak_rank INTEGER,
    previous_rank INTEGER, periods_on_chart INTEGER, streams BIGINT, source_key VARCHAR,
    snapshot_date VARCHAR)`);
  for (const [chart, day, rank, song, artists, previous, periods, streams] of CHART_LINES) {
    const [, region, period] = chart.split("-");
    const sqlValue = (value: number | null) => (value === null ? "NULL" : String(value));
    await connection.run(
      `INSERT INTO chart_positions VALUES ('${chart}', '${region}', '${period}', ${rank}, '${song}',
        'Song ${song}', '${artists}', NULL, ${rank}, ${sqlValue(previous)}, ${sqlValue(periods)},
        ${streams}, 'raw_data/to_process/${chart}-${day}.csv', '${day}')`,
    );
  }
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
  it("holds exactly the eight named queries", () => {
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
      expect(text).not.toMatch(/\b\w+\.(songs|albums|artists|playlists|chart_positions)\b/);
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
      // Undated files: one row per position, the lowest song id winning a tie.
      ["p3", "2026-11-21", 1, "s7", "Artist Three"],
      ["p3", "2026-11-21", 2, "s7", "Artist Three"],
      ["p4", "2026-11-20", 1, "s5", "Artist One"],
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
      ["a4", "Artist Four", 2, 1, 1],
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
      {
        snapshot_date: "2026-11-20",
        previous_snapshot_date: "2026-11-19",
        playlist_id: "p4",
        position: 1,
        song_name: "Song s5",
        lead_artist_name: "Artist One",
        song_id: "s5",
      },
    ]);
  });

  it("song_peak_position_and_days_on_chart: best position and distinct days per playlist and song", async () => {
    // Act
    const rows = await run("song_peak_position_and_days_on_chart");

    // Assess: s3's position 1 on the replaced snapshot is no peak; s6 has no lead artist; s7's two
    // positions on one day are one day.
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
      ["p3", "s8", null, 1, 1, "2026-11-21", "2026-11-21"],
      ["p4", "s4", "Artist Four", 1, 1, "2026-11-19", "2026-11-19"],
      ["p4", "s5", "Artist One", 1, 1, "2026-11-20", "2026-11-20"],
    ]);
  });
});

describe("chart queries on DuckDB", () => {
  it("chart_song_streams_and_rank_over_time: every file's line, streams change only from the chart's previous file", async () => {
    // Act
    const rows = await run("chart_song_streams_and_rank_over_time");

    // Assess: sC's 11-23 line has no change, its last line was two files back; the weekly file of
    // 11-22 neither breaks the daily chart's run (sB, sD) nor is sB's or sC's previous daily line.
    expect(
      rows.map((r) => [r.chart, r.song_id, r.snapshot_date, r.rank, r.streams, r.streams_change]),
    ).toEqual([
      [G, "sA", "2026-11-20", 1, 1000, null],
      [G, "sA", "2026-11-21", 2, 940, -60],
      [G, "sB", "2026-11-20", 2, 900, null],
      [G, "sB", "2026-11-21", 1, 950, 50],
      [G, "sB", "2026-11-23", 1, 990, 40],
      [G, "sC", "2026-11-20", 3, 800, null],
      [G, "sC", "2026-11-23", 2, 850, null],
      [G, "sD", "2026-11-21", 3, 700, null],
      [G, "sD", "2026-11-23", 4, 500, -200],
      [G, "sE", "2026-11-23", 3, 600, null],
      [G, "sG", "2026-11-20", 4, 700, null],
      [W, "sA", "2026-11-19", 1, 7000, null],
      [W, "sB", "2026-11-22", 1, 5000, null],
      [W, "sC", "2026-11-22", 2, 4000, null],
      [W, "sF", "2026-11-19", 2, 6000, null],
    ]);
  });

  it("chart_climbers_and_fallers: places moved since the export's previous rank, biggest first, per file", async () => {
    // Act
    const rows = await run("chart_climbers_and_fallers");

    // Assess: unchanged ranks and entries (no previous rank) are neither.
    expect(
      rows.map((r) => [r.chart, r.snapshot_date, r.direction, r.place, r.places_moved, r.song_id]),
    ).toEqual([
      [G, "2026-11-21", "climber", 1, 1, "sB"],
      [G, "2026-11-21", "faller", 1, -1, "sA"],
      [G, "2026-11-20", "climber", 1, 5, "sG"],
      [G, "2026-11-20", "climber", 2, 1, "sB"],
      [G, "2026-11-20", "faller", 1, -1, "sC"],
      [W, "2026-11-19", "faller", 1, -1, "sF"],
    ]);
  });

  it("chart_new_entries_and_reentries: new or back, from the export's count or else the lake's files", async () => {
    // Act
    const rows = await run("chart_new_entries_and_reentries");

    // Assess: sA on the weekly chart is a re-entry by its count; the daily chart does not count.
    expect(
      rows.map((r) => [r.chart, r.snapshot_date, r.entry, r.rank, r.song_id, r.last_seen_date]),
    ).toEqual([
      [G, "2026-11-23", "re-entry", 2, "sC", "2026-11-20"],
      [G, "2026-11-23", "new entry", 3, "sE", null],
      [G, "2026-11-23", "re-entry", 4, "sD", "2026-11-21"],
      [G, "2026-11-21", "new entry", 3, "sD", null],
      [W, "2026-11-22", "new entry", 1, "sB", null],
      [W, "2026-11-22", "new entry", 2, "sC", null],
      [W, "2026-11-19", "re-entry", 1, "sA", null],
    ]);
  });

  it("chart_artist_streams_per_day: each credited name gets the song's streams in full", async () => {
    // Act
    const rows = await run("chart_artist_streams_per_day");

    // Assess
    expect(
      rows.map((r) => [
        r.chart,
        r.snapshot_date,
        r.artist_name,
        r.total_streams,
        r.songs_on_chart,
        r.best_rank,
      ]),
    ).toEqual([
      [G, "2026-11-23", "A2", 1840, 2, 1],
      [G, "2026-11-23", "A1", 990, 1, 1],
      [G, "2026-11-23", "The Creator", 600, 1, 3],
      [G, "2026-11-23", "Tyler", 600, 1, 3],
      [G, "2026-11-23", "A3", 500, 1, 4],
      [G, "2026-11-21", "A1", 1890, 2, 1],
      [G, "2026-11-21", "A2", 950, 1, 1],
      [G, "2026-11-21", "A3", 700, 1, 3],
      [G, "2026-11-20", "A1", 1900, 2, 1],
      [G, "2026-11-20", "A2", 1700, 2, 2],
      [G, "2026-11-20", "A4", 700, 1, 4],
      [W, "2026-11-22", "A2", 9000, 2, 1],
      [W, "2026-11-22", "A1", 5000, 1, 1],
      [W, "2026-11-19", "A1", 7000, 1, 1],
      [W, "2026-11-19", "A4", 6000, 1, 2],
    ]);
  });
});
