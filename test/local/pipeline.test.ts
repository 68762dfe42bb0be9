import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { listNamedQueries, namedQuery, statementOf } from "../../scripts/lib/named-queries";
import {
  demoCharts,
  demoExtractionTime,
  DEMO_DAYS,
  UNCREDITED_SONG_ID,
} from "../../scripts/local/demo-charts";
import {
  captureTracks,
  demoChartFiles,
  DEMO_CHART,
  DEMO_CHART_FILE_SIZE,
} from "../../scripts/local/demo-chart-files";
import { demoFailures } from "../../scripts/local/demo-outcome";
import { openLakeCatalog, type LakeCatalog } from "../../scripts/local/lake-catalog";
import {
  deadLetteredKeys,
  exportLake,
  importDemoChartFiles,
  listKeys,
  POISON_KEY,
  putPoisonObject,
  runExtract,
  runTransform,
  startLocalInfrastructure,
  startSpotifySource,
  type ExtractRun,
  type LocalInfrastructure,
  type SpotifySource,
} from "../../scripts/local/pipeline";
import { top50GlobalPlaylist } from "../../scripts/local-spotify-api/recordings";
import { differences, readWithEveryReader } from "../support/parquet-readers";

interface Track {
  id: string;
  name: string;
  artists: { id: string; name: string }[];
  album: { id: string; artists: { id: string }[] };
}

/** The demo charts as the tests see them: each day's tracks in position order. */
const charts = demoCharts(top50GlobalPlaylist("item").entries as { track: Track }[]).map((day) =>
  day.map((entry) => entry.track),
);
const dayOf = (index: number) => demoExtractionTime(index).toISOString().slice(0, 10);
/** The demo's chart files as the tests see them: each day's lines in rank order. */
const chartFiles = demoChartFiles(captureTracks());
const chartLines = chartFiles.flatMap((file, day) =>
  file.lines.map((line) => ({ ...line, day, date: file.date, id: line.uri.split(":")[2]! })),
);
type ChartLineOnDay = (typeof chartLines)[number];
const onDay = (day: number) => chartLines.filter((line) => line.day === day);

describe("the local pipeline end to end (fake Spotify -> extract -> queue -> transform -> DuckDB)", () => {
  let infra: LocalInfrastructure;
  let spotify: SpotifySource;
  let lakeDir: string;
  let chartsDir: string;
  let catalog: LakeCatalog;
  let firstRunKeys: string[];
  let runs: ExtractRun[];

  beforeAll(async () => {
    lakeDir = await mkdtemp(path.join(tmpdir(), "lake-"));
    chartsDir = await mkdtemp(path.join(tmpdir(), "demo-charts-"));
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
    infra = await startLocalInfrastructure();
    spotify = await startSpotifySource({});
    runs = await runExtract(infra, spotify);
    expect(runs.map((run) => run.error)).toEqual(Array(DEMO_DAYS).fill(undefined));
    expect((await importDemoChartFiles(infra, chartsDir)).uploaded).toHaveLength(DEMO_DAYS);
    await putPoisonObject(infra);
    const stats = await runTransform(infra);
    // The snapshots, the chart files and the s3:TestEvent.
    expect(stats.recordsSucceeded).toBe(2 * DEMO_DAYS + 1);
    await exportLake(infra, lakeDir);
    firstRunKeys = await listKeys(infra);
    catalog = await openLakeCatalog(lakeDir);
  });
  afterAll(async () => {
    catalog?.close();
    if (spotify?.kind === "local") await spotify.api.stop();
    await infra?.stop();
    await rm(lakeDir, { recursive: true, force: true });
    await rm(chartsDir, { recursive: true, force: true });
    delete process.env.POWERTOOLS_LOG_LEVEL;
  });

  it("moves every good snapshot to processed/ and the poison message to the DLQ, losing nothing", async () => {
    expect(await deadLetteredKeys(infra)).toEqual([POISON_KEY]);
    // What the failure demo is meant to show: it exits 0.
    expect(demoFailures(runs, await deadLetteredKeys(infra), [POISON_KEY])).toEqual([]);
    expect(await listKeys(infra, "raw_data/to_process/")).toEqual([POISON_KEY]);
    expect(await listKeys(infra, "raw_data/processed/")).toHaveLength(2 * DEMO_DAYS);
  });

  it("registers the five tables with the expected row counts", () => {
    const distinct = <T>(values: T[]) => new Set(values).size;
    expect(Object.fromEntries(catalog.tables.map((table) => [table.name, table.rows]))).toEqual({
      songs: charts.flat().length,
      albums: charts.reduce((n, day) => n + distinct(day.map((t) => t.album.id)), 0),
      artists: charts.reduce(
        (n, day) =>
          n + distinct(day.flatMap((t) => [...t.artists, ...t.album.artists].map((a) => a.id))),
        0,
      ),
      playlists: DEMO_DAYS,
      chart_positions: DEMO_DAYS * DEMO_CHART_FILE_SIZE,
    });
    expect(catalog.tables.find((t) => t.name === "songs")!.columns).toContainEqual({
      name: "snapshot_date",
      type: "VARCHAR",
    });
  });

  it("has every Parquet file of the lake read alike by DuckDB, arrow-rs, pyarrow, polars and fastparquet", async () => {
    // Prepare
    const files = (await readdir(lakeDir, { recursive: true }))
      .filter((file) => file.endsWith(".parquet"))
      .map((file) => path.join(lakeDir, file));
    expect(files).toHaveLength(5 * DEMO_DAYS);

    // Act
    const results = await readWithEveryReader(files);

    // Assess: DuckDB's reading, which the queries below check, is the reference
    for (const [file, read] of results) {
      expect(read.duckdb).not.toHaveProperty("error");
      expect({ file, differences: differences(read, read.duckdb) }).toEqual({
        file,
        differences: [],
      });
    }
  });

  it("answers latest_chart with the last day's chart in order, a song without artist ids included", async () => {
    const rows = await catalog.query(statementOf(namedQuery("latest_chart")));
    const last = charts[DEMO_DAYS - 1]!;
    expect(
      rows.map((row) => [row.snapshot_date, row.position, row.song_id, row.lead_artist_name]),
    ).toEqual(
      last.map((track, i) => [
        dayOf(DEMO_DAYS - 1),
        i + 1,
        track.id,
        track.artists[0]?.name ?? null,
      ]),
    );
    expect(rows.find((row) => row.song_id === UNCREDITED_SONG_ID)).toMatchObject({
      position: last.length,
      lead_artist_name: null,
    });
  });

  it("answers new_entries_since_previous_snapshot with the songs the last day brought in", async () => {
    const rows = await catalog.query(
      statementOf(namedQuery("new_entries_since_previous_snapshot")),
    );
    const previous = new Set(charts[DEMO_DAYS - 2]!.map((track) => track.id));
    const expected = charts[DEMO_DAYS - 1]!.map((track, i) => ({
      id: track.id,
      position: i + 1,
    })).filter((song) => !previous.has(song.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((row) => [row.song_id, row.position, row.previous_snapshot_date])).toEqual(
      expected.map((song) => [song.id, song.position, dayOf(DEMO_DAYS - 2)]),
    );
  });

  it("answers song_peak_position_and_days_on_chart", async () => {
    const rows = await catalog.query(
      statementOf(namedQuery("song_peak_position_and_days_on_chart")),
    );
    const songs = new Map<string, { peak: number; days: number; first: string; last: string }>();
    charts.forEach((day, d) =>
      day.forEach((track, i) => {
        const song = songs.get(track.id) ?? {
          peak: Infinity,
          days: 0,
          first: dayOf(d),
          last: dayOf(d),
        };
        songs.set(track.id, {
          peak: Math.min(song.peak, i + 1),
          days: song.days + 1,
          first: song.first,
          last: dayOf(d),
        });
      }),
    );
    const expected = [...songs.entries()]
      .sort(([idA, a], [idB, b]) => a.peak - b.peak || b.days - a.days || (idA < idB ? -1 : 1))
      .map(([id, s]) => [id, s.peak, s.days, s.first, s.last]);
    expect(
      rows.map((row) => [
        row.song_id,
        row.peak_position,
        row.days_on_chart,
        row.first_day,
        row.last_day,
      ]),
    ).toEqual(expected);
    expect(new Set(expected.map((row) => row[2])).size).toBeGreaterThan(1); // days on chart differ
  });

  it("answers top_artists_by_days_on_chart", async () => {
    const rows = await catalog.query(statementOf(namedQuery("top_artists_by_days_on_chart")));
    const artists = new Map<string, { days: Set<number>; songs: Set<string>; best: number }>();
    charts.forEach((day, d) =>
      day.forEach((track, i) => {
        for (const artist of track.artists) {
          const a = artists.get(artist.id) ?? {
            days: new Set<number>(),
            songs: new Set<string>(),
            best: Infinity,
          };
          a.days.add(d);
          a.songs.add(track.id);
          a.best = Math.min(a.best, i + 1);
          artists.set(artist.id, a);
        }
      }),
    );
    const expected = [...artists.entries()]
      .map(([id, a]) => [id, a.days.size, a.songs.size, a.best] as const)
      .sort((a, b) => b[1] - a[1] || a[3] - b[3] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 50);
    expect(
      rows.map((row) => [row.artist_id, row.days_on_chart, row.songs_on_chart, row.best_position]),
    ).toEqual(expected);
  });

  it("answers chart_song_streams_and_rank_over_time with every line, streams change from the day before", async () => {
    const rows = await catalog.query(
      statementOf(namedQuery("chart_song_streams_and_rank_over_time")),
    );
    const best = new Map<string, number>();
    for (const line of chartLines)
      best.set(line.id, Math.min(best.get(line.id) ?? Infinity, line.rank));
    const rankOn = (day: number, id: string) => onDay(day).find((line) => line.id === id);
    const expected = [...chartLines]
      .sort(
        (a, b) =>
          best.get(a.id)! - best.get(b.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.day - b.day),
      )
      .map((line) => {
        const before = line.day > 0 ? rankOn(line.day - 1, line.id) : undefined;
        return [
          line.id,
          line.date,
          line.rank,
          line.previous_rank === -1 ? null : line.previous_rank,
          line.streams,
          before ? line.streams - before.streams : null,
        ];
      });
    expect(
      rows.map((row) => [
        row.song_id,
        row.snapshot_date,
        row.rank,
        row.previous_rank,
        row.streams,
        row.streams_change,
      ]),
    ).toEqual(expected);
    expect(rows.every((row) => row.chart === DEMO_CHART)).toBe(true);
  });

  it("answers chart_climbers_and_fallers with each day's five biggest moves either way", async () => {
    const rows = await catalog.query(statementOf(namedQuery("chart_climbers_and_fallers")));
    const expected = chartFiles
      .map((_, day) => day)
      .reverse()
      .flatMap((day) => {
        const moved = onDay(day)
          .filter((line) => line.previous_rank !== -1 && line.previous_rank !== line.rank)
          .map((line) => ({ line, places: line.previous_rank - line.rank }));
        const top = (list: typeof moved) =>
          list
            .sort(
              (a, b) =>
                Math.abs(b.places) - Math.abs(a.places) ||
                a.line.rank - b.line.rank ||
                (a.line.id < b.line.id ? -1 : 1),
            )
            .slice(0, 5);
        return [
          ...top(moved.filter((m) => m.places > 0)).map((m, i) => ["climber", i + 1, m] as const),
          ...top(moved.filter((m) => m.places < 0)).map((m, i) => ["faller", i + 1, m] as const),
        ].map(([direction, place, m]) => [
          m.line.date,
          direction,
          place,
          m.places,
          m.line.rank,
          m.line.id,
        ]);
      });
    expect(expected.length).toBe(DEMO_DAYS * 10);
    expect(
      rows.map((row) => [
        row.snapshot_date,
        row.direction,
        row.place,
        row.places_moved,
        row.rank,
        row.song_id,
      ]),
    ).toEqual(expected);
  });

  it("answers chart_new_entries_and_reentries with the songs each day brought in, new or back", async () => {
    const rows = await catalog.query(statementOf(namedQuery("chart_new_entries_and_reentries")));
    const lastSeen = (line: ChartLineOnDay) =>
      chartLines
        .filter((other) => other.id === line.id && other.day < line.day)
        .map((other) => other.date)
        .sort()
        .pop() ?? null;
    const expected = chartLines
      .filter((line) => line.previous_rank === -1)
      .sort((a, b) => b.day - a.day || a.rank - b.rank)
      .map((line) => [
        line.date,
        line.days_on_chart > 1 || lastSeen(line) ? "re-entry" : "new entry",
        line.rank,
        line.id,
        line.days_on_chart,
        lastSeen(line),
      ]);
    expect(new Set(expected.map((row) => row[1]))).toEqual(new Set(["new entry", "re-entry"]));
    expect(
      rows.map((row) => [
        row.snapshot_date,
        row.entry,
        row.rank,
        row.song_id,
        row.periods_on_chart,
        row.last_seen_date,
      ]),
    ).toEqual(expected);
  });

  it("answers chart_artist_streams_per_day with each credited artist's streams summed per day", async () => {
    const rows = await catalog.query(statementOf(namedQuery("chart_artist_streams_per_day")));
    const expected = chartFiles
      .map((_, day) => day)
      .reverse()
      .flatMap((day) => {
        const artists = new Map<string, { streams: number; songs: Set<string>; best: number }>();
        for (const line of onDay(day)) {
          for (const name of line.artist_names.split(", ")) {
            const artist = artists.get(name) ?? { streams: 0, songs: new Set(), best: Infinity };
            artist.streams += line.streams;
            artist.songs.add(line.id);
            artist.best = Math.min(artist.best, line.rank);
            artists.set(name, artist);
          }
        }
        return [...artists.entries()]
          .sort(
            ([nameA, a], [nameB, b]) =>
              b.streams - a.streams || a.best - b.best || (nameA < nameB ? -1 : 1),
          )
          .map(([name, a]) => [chartFiles[day]!.date, name, a.streams, a.songs.size, a.best]);
      });
    expect(
      rows.map((row) => [
        row.snapshot_date,
        row.artist_name,
        row.total_streams,
        row.songs_on_chart,
        row.best_rank,
      ]),
    ).toEqual(expected);
  });

  it("writes the lake into a folder of the user's without deleting their files, replacing an earlier lake", async () => {
    // Prepare: a user's file, and an earlier run's lake with files this run does not write
    const dir = await mkdtemp(path.join(tmpdir(), "lake-user-"));
    const stale = [
      "raw_data/processed/old.json",
      "transformed_data/songs/old.parquet",
      "report.html",
    ];
    try {
      for (const file of stale) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), "from an earlier run");
      }
      await writeFile(path.join(dir, "notes.txt"), "the user's");

      // Act
      const written = await exportLake(infra, dir);

      // Assess
      expect(await readFile(path.join(dir, "notes.txt"), "utf8")).toBe("the user's");
      const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
      expect(files.sort()).toEqual([...firstRunKeys, "notes.txt"].sort());
      expect(written).toBe(firstRunKeys.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("changes nothing when the same days are extracted and transformed again", async () => {
    // Prepare
    const before = Object.fromEntries(
      await Promise.all(
        listNamedQueries().map(async (q) => [q.name, await catalog.query(statementOf(q))] as const),
      ),
    );

    // Act
    await runExtract(infra, spotify);
    await importDemoChartFiles(infra, chartsDir);
    await runTransform(infra);
    const againDir = await mkdtemp(path.join(tmpdir(), "lake-again-"));
    await exportLake(infra, againDir);
    const again = await openLakeCatalog(againDir);

    // Assess
    try {
      expect(await listKeys(infra)).toEqual(firstRunKeys);
      for (const query of listNamedQueries()) {
        expect(await again.query(statementOf(query))).toEqual(before[query.name]);
      }
      expect(again.tables.map((t) => t.rows)).toEqual(catalog.tables.map((t) => t.rows));
    } finally {
      again.close();
      await rm(againDir, { recursive: true, force: true });
    }
  });
});
