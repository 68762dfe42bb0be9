/**
 * The report's data: one query per panel, in SQL that DuckDB and Athena (Trino) both run, and
 * the rows normalised to plain values (Athena returns every value as a string).
 */
import { CHART_TABLE_NAME, TABLE_NAMES } from "../../functions/shared/s3-layout";
import { dayChartsSql, namedQuery, statementOf } from "../lib/named-queries";
import type { LakeSource, Row } from "./lake-source";

/** The bump chart follows the songs in this top of the latest day. */
export const BUMP_TOP = 20;
/** The streams panel follows the songs in this top of each chart's latest file. */
export const STREAMS_TOP = 10;
/** Artists shown in the days-on-chart panel. */
const ARTISTS_SHOWN = 20;

/** One playlist's last snapshot. */
export interface PlaylistFreshness {
  playlistId: string;
  playlistName: string;
  lastSnapshotDate: string;
  /** The latest `extracted_at`; null when no file of the playlist says when it was extracted. */
  lastExtractedAt: Date | null;
  snapshotDays: number;
}

/** One song's position on one day of a playlist (the day's latest snapshot). */
export interface BumpPoint {
  playlistId: string;
  snapshotDate: string;
  songId: string;
  songName: string;
  position: number;
}

/** A playlist day compared with the playlist's snapshot day before it. */
export interface ChurnDay {
  playlistId: string;
  snapshotDate: string;
  previousDate: string;
  newEntries: number;
  dropOuts: number;
}

/** A row of the `top_artists_by_days_on_chart` named query. */
export interface ArtistDays {
  artistId: string;
  artistName: string;
  daysOnChart: number;
  songsOnChart: number;
  bestPosition: number;
}

/** One song's line of one chart file. */
export interface StreamsPoint {
  chart: string;
  snapshotDate: string;
  songId: string;
  songName: string;
  artistNames: string;
  rank: number;
  streams: number | null;
}

/** One chart's last file. */
export interface ChartFreshness {
  chart: string;
  region: string;
  period: string;
  lastDate: string;
  files: number;
}

/** Everything the report shows. `charts` is null when the lake holds no chart files. */
export interface ReportData {
  source: string;
  playlists: PlaylistFreshness[];
  bump: BumpPoint[];
  churn: ChurnDay[];
  artists: ArtistDays[];
  charts: { streams: StreamsPoint[]; files: ChartFreshness[] } | null;
}

// A day's chart is its latest snapshot: the same CTEs the named queries splice in.
const DAY_CHARTS = dayChartsSql();

/** Last snapshot per playlist, from the `playlists` table (one row per raw file). */
const PLAYLISTS_SQL = `
SELECT
  playlist_id,
  max_by(playlist_name, snapshot_date) AS playlist_name,
  MAX(snapshot_date) AS last_snapshot_date,
  MAX(extracted_at) AS last_extracted_at,
  COUNT(DISTINCT snapshot_date) AS snapshot_days
FROM playlists
GROUP BY playlist_id
ORDER BY playlist_id`;

/**
 * The lines over time of the songs in each series' top `top` (by `rank`) on the series' latest
 * `snapshot_date`: `series` is the playlist or chart column of `from`, `c` its alias. One row
 * per series, day and song, with `columns` (aggregates over `c`), in day, rank and song order.
 */
function topSongsOverTimeSql(options: {
  with?: string;
  from: string;
  series: string;
  rank: string;
  top: number;
  columns: string[];
  rankAlias: string;
}): string {
  const { from, series, rank, top, columns, rankAlias } = options;
  return `
WITH ${options.with ? `${options.with},\n` : ""}latest AS (
  SELECT ${series}, MAX(snapshot_date) AS snapshot_date FROM ${from} GROUP BY ${series}
),
top_songs AS (
  SELECT DISTINCT c.${series}, c.song_id
  FROM ${from} AS c
  JOIN latest AS l ON l.${series} = c.${series} AND l.snapshot_date = c.snapshot_date
  WHERE c.${rank} <= ${top}
)
SELECT
  c.${series},
  c.snapshot_date,
  c.song_id,
  ${columns.join(",\n  ")}
FROM ${from} AS c
JOIN top_songs AS t ON t.${series} = c.${series} AND t.song_id = c.song_id
GROUP BY c.${series}, c.snapshot_date, c.song_id
ORDER BY c.${series}, c.snapshot_date, ${rankAlias}, c.song_id`;
}

/** Positions over time of the songs in each playlist's top {@link BUMP_TOP} on its latest day. */
const BUMP_SQL = topSongsOverTimeSql({
  with: DAY_CHARTS,
  from: "day_charts",
  series: "playlist_id",
  rank: "position",
  top: BUMP_TOP,
  columns: ["MIN(c.song_name) AS song_name", "MIN(c.position) AS chart_position"],
  rankAlias: "chart_position",
});

/**
 * Per playlist and snapshot day (but its first): songs that were not on the snapshot day before
 * (new entries) and songs of the day before that are gone (drop-outs).
 */
const CHURN_SQL = `
WITH ${DAY_CHARTS},
members AS (SELECT DISTINCT playlist_id, snapshot_date, song_id FROM day_charts),
days AS (
  SELECT
    playlist_id,
    snapshot_date,
    LAG(snapshot_date) OVER (PARTITION BY playlist_id ORDER BY snapshot_date) AS previous_date
  FROM (SELECT DISTINCT playlist_id, snapshot_date FROM members) AS d
),
presence AS (
  -- Each song of a day or of the day before, and on which of the two it was.
  SELECT
    d.playlist_id,
    d.snapshot_date,
    d.previous_date,
    MAX(CASE WHEN m.snapshot_date = d.snapshot_date THEN 1 ELSE 0 END) AS today,
    MAX(CASE WHEN m.snapshot_date = d.previous_date THEN 1 ELSE 0 END) AS before
  FROM days AS d
  JOIN members AS m
    ON m.playlist_id = d.playlist_id AND m.snapshot_date IN (d.snapshot_date, d.previous_date)
  WHERE d.previous_date IS NOT NULL
  GROUP BY d.playlist_id, d.snapshot_date, d.previous_date, m.song_id
)
SELECT
  playlist_id,
  snapshot_date,
  previous_date,
  COUNT(CASE WHEN before = 0 THEN 1 END) AS new_entries,
  COUNT(CASE WHEN today = 0 THEN 1 END) AS drop_outs
FROM presence
GROUP BY playlist_id, snapshot_date, previous_date
ORDER BY playlist_id, snapshot_date`;

/** Streams over time of the songs in each chart's top {@link STREAMS_TOP} on its latest file. */
const STREAMS_SQL = topSongsOverTimeSql({
  from: CHART_TABLE_NAME,
  series: "chart",
  rank: "rank",
  top: STREAMS_TOP,
  columns: [
    "MIN(c.song_name) AS song_name",
    "MIN(c.artist_names) AS artist_names",
    "MIN(c.rank) AS chart_rank",
    "MAX(c.streams) AS streams",
  ],
  rankAlias: "chart_rank",
});

/** The last file of each chart. */
const CHART_FILES_SQL = `
SELECT
  chart,
  MIN(region) AS region,
  MIN(period) AS period,
  MAX(snapshot_date) AS last_date,
  COUNT(DISTINCT snapshot_date) AS files
FROM chart_positions
GROUP BY chart
ORDER BY chart`;

const text = (value: unknown): string =>
  value === null || value === undefined ? "" : String(value);

/**
 * A number from DuckDB (number or bigint) or Athena (a decimal string).
 * @throws Error when the value is not a number, which means a query and its reader disagree.
 */
function toNumber(value: unknown): number {
  const number = typeof value === "string" ? Number(value.trim()) : Number(value);
  if (value === null || value === undefined || value === "" || !Number.isFinite(number))
    throw new Error(`expected a number, got ${JSON.stringify(String(value))}`);
  return number;
}

const toNumberOrNull = (value: unknown) =>
  value === null || value === undefined || value === "" ? null : toNumber(value);

/**
 * An instant from DuckDB (a Date) or Athena (`2024-04-22 16:00:03.000`, optionally followed by
 * ` UTC`): Athena prints timestamps without a zone, and the lake's timestamps are UTC.
 * @throws Error when a string is not such a timestamp.
 */
function toInstant(value: unknown): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) return value;
  const match =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: ?(?:UTC|Z|\+00(?::?00)?))?$/.exec(
      String(value).trim(),
    );
  const instant = match ? new Date(`${match[1]}T${match[2]}Z`) : undefined;
  if (!instant || Number.isNaN(instant.getTime()))
    throw new Error(`expected a UTC timestamp, got ${JSON.stringify(String(value))}`);
  return instant;
}

const rowsOf = <T>(rows: Row[], map: (row: Row) => T) => rows.map(map);

/**
 * Runs every panel's query on the lake. Without a `chart_positions` table (no chart file was
 * ever transformed) `charts` is null and nothing is asked of that table; without the snapshot
 * tables (a lake of chart files only, as for an app that cannot read Spotify's editorial
 * playlists) the playlist panels are empty and nothing is asked of those tables.
 * @throws Error when the lake has neither snapshot tables nor chart files, or a query fails.
 */
export async function loadReportData(source: LakeSource): Promise<ReportData> {
  // A snapshot writes all four tables, so one missing means no snapshot was transformed.
  const hasSnapshots = TABLE_NAMES.every((t) => source.tables.has(t));
  if (!hasSnapshots && !source.tables.has(CHART_TABLE_NAME))
    throw new Error(
      `the lake has no tables yet (${source.description}): no snapshot or chart file was transformed`,
    );
  const ask = async (sql: string) => (hasSnapshots ? source.query(sql) : []);
  const playlists = rowsOf(await ask(PLAYLISTS_SQL), (row) => ({
    playlistId: text(row.playlist_id),
    playlistName: text(row.playlist_name) || text(row.playlist_id),
    lastSnapshotDate: text(row.last_snapshot_date),
    lastExtractedAt: toInstant(row.last_extracted_at),
    snapshotDays: toNumber(row.snapshot_days),
  }));
  const bump = rowsOf(await ask(BUMP_SQL), (row) => ({
    playlistId: text(row.playlist_id),
    snapshotDate: text(row.snapshot_date),
    songId: text(row.song_id),
    songName: text(row.song_name),
    position: toNumber(row.chart_position),
  }));
  const churn = rowsOf(await ask(CHURN_SQL), (row) => ({
    playlistId: text(row.playlist_id),
    snapshotDate: text(row.snapshot_date),
    previousDate: text(row.previous_date),
    newEntries: toNumber(row.new_entries),
    dropOuts: toNumber(row.drop_outs),
  }));
  const artists = rowsOf(
    await ask(statementOf(namedQuery("top_artists_by_days_on_chart"))),
    (row) => ({
      artistId: text(row.artist_id),
      artistName: text(row.artist_name) || text(row.artist_id),
      daysOnChart: toNumber(row.days_on_chart),
      songsOnChart: toNumber(row.songs_on_chart),
      bestPosition: toNumber(row.best_position),
    }),
  ).slice(0, ARTISTS_SHOWN);
  let charts: ReportData["charts"] = null;
  if (source.tables.has(CHART_TABLE_NAME)) {
    charts = {
      streams: rowsOf(await source.query(STREAMS_SQL), (row) => ({
        chart: text(row.chart),
        snapshotDate: text(row.snapshot_date),
        songId: text(row.song_id),
        songName: text(row.song_name),
        artistNames: text(row.artist_names),
        rank: toNumber(row.chart_rank),
        streams: toNumberOrNull(row.streams),
      })),
      files: rowsOf(await source.query(CHART_FILES_SQL), (row) => ({
        chart: text(row.chart),
        region: text(row.region),
        period: text(row.period),
        lastDate: text(row.last_date),
        files: toNumber(row.files),
      })),
    };
  }
  return { source: source.description, playlists, bump, churn, artists, charts };
}
