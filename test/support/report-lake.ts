/**
 * Small synthetic lakes for the report's tests: the contract's tables written by the transform's
 * own Parquet encoder under the contract's keys (Hive partitions), from rows built here. The
 * tests compute what the charts must show from these rows, independently of the report's code.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { rawKeyFor, transformedKeyFor } from "../../functions/shared/s3-layout";
import { encodeTable } from "../../functions/transform/parquet";
import type {
  ArtistRow,
  ChartPositionRow,
  LakeTables,
  SongRow,
} from "../../functions/transform/tables";

const DAY_MS = 86_400_000;

/** A playlist snapshotted once a day at 16:00 UTC, `songsPerDay` songs each day. */
export interface PlaylistPlan {
  id: string;
  name: string;
  firstDay: string;
  days: number;
  songsPerDay: number;
  /** Songs that enter (and leave) the playlist each day. */
  churnPerDay: number;
  /**
   * Also an earlier snapshot on the last day, with other songs: the day's chart is its latest
   * snapshot, so these songs must not appear.
   */
  earlierSnapshotOnLastDay?: boolean;
}

/** A Spotify Charts export per day. */
export interface ChartPlan {
  chart: string;
  firstDay: string;
  days: number;
  rowsPerDay: number;
}

/** What a lake holds, as rows, for the tests' expectations. */
export interface BuiltLake {
  /** Every song row with its snapshot day. */
  songs: (SongRow & { snapshot_date: string })[];
  artists: ArtistRow[];
  chartPositions: (ChartPositionRow & { snapshot_date: string })[];
  /** Each playlist's latest `extracted_at`. */
  lastExtractedAt: Map<string, Date>;
}

export const dayAfter = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

const artistOf = (song: number) => `artist${song % 13}`;

async function writeTable<T extends keyof LakeTables>(
  lakeDir: string,
  table: T,
  day: string,
  rawKey: string,
  rows: LakeTables[T],
): Promise<void> {
  const file = path.join(lakeDir, transformedKeyFor(table, day, rawKey));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, encodeTable(table, rows));
}

/**
 * One snapshot of a playlist: positions 1..n hold songs `offset`..`offset+n-1`, rotated by
 * `day`, so songs move, enter and leave from day to day.
 */
function snapshotSongs(
  plan: PlaylistPlan,
  day: number,
  offset: number,
  extractedAt: Date,
): SongRow[] {
  return Array.from({ length: plan.songsPerDay }, (_, i) => {
    const song = offset + ((i + 3 * day) % plan.songsPerDay);
    // Every fifth song also credits a second artist.
    const artistIds = song % 5 === 0 ? [artistOf(song), artistOf(song + 1)] : [artistOf(song)];
    return {
      playlist_id: plan.id,
      position: i + 1,
      song_id: `${plan.id}-song${song}`,
      song_name: `Song ${song} of ${plan.name}`,
      duration_ms: 180_000 + song,
      explicit: song % 2 === 0,
      popularity: null,
      isrc: null,
      added_at: null,
      album_id: `album${song}`,
      artist_ids: artistIds,
      song_url: null,
      extracted_at: extractedAt,
    };
  });
}

async function writePlaylist(lakeDir: string, plan: PlaylistPlan, built: BuiltLake) {
  for (let day = 0; day < plan.days; day++) {
    const date = dayAfter(plan.firstDay, day);
    const snapshots = [{ at: new Date(`${date}T16:00:03.000Z`), offset: day * plan.churnPerDay }];
    if (plan.earlierSnapshotOnLastDay && day === plan.days - 1)
      snapshots.push({ at: new Date(`${date}T04:00:03.000Z`), offset: 10_000 });
    for (const { at, offset } of snapshots) {
      const rawKey = rawKeyFor(plan.id, at);
      const songs = snapshotSongs(plan, day, offset, at);
      const artistIds = [...new Set(songs.flatMap((s) => s.artist_ids))];
      const artists = artistIds.map((id) => ({
        artist_id: id,
        artist_name: `Artist ${id.slice("artist".length)}`,
        artist_url: null,
      }));
      await writeTable(lakeDir, "songs", date, rawKey, songs);
      await writeTable(lakeDir, "artists", date, rawKey, artists);
      await writeTable(
        lakeDir,
        "albums",
        date,
        rawKey,
        songs.map((s) => ({
          album_id: s.album_id,
          album_name: `Album of ${s.song_name}`,
          album_type: "single",
          release_date: null,
          release_date_precision: null,
          total_tracks: 1,
          album_url: null,
          artist_ids: s.artist_ids,
        })),
      );
      await writeTable(lakeDir, "playlists", date, rawKey, [
        {
          playlist_id: plan.id,
          playlist_name: plan.name,
          snapshot_id: `snap-${date}-${at.getUTCHours()}`,
          extracted_at: at,
          total_items: songs.length,
          entries_read: songs.length,
          songs_written: songs.length,
          entries_skipped: 0,
          source_key: rawKey,
        },
      ]);
      built.songs.push(...songs.map((s) => ({ ...s, snapshot_date: date })));
      built.artists.push(...artists);
      const last = built.lastExtractedAt.get(plan.id);
      if (!last || at > last) built.lastExtractedAt.set(plan.id, at);
    }
  }
}

async function writeChart(lakeDir: string, plan: ChartPlan, built: BuiltLake) {
  for (let day = 0; day < plan.days; day++) {
    const date = dayAfter(plan.firstDay, day);
    const rawKey = `raw_data/to_process/${plan.chart}-${date}.csv`;
    const rows: ChartPositionRow[] = Array.from({ length: plan.rowsPerDay }, (_, i) => {
      const song = day + ((i + 2 * day) % plan.rowsPerDay);
      return {
        chart: plan.chart,
        region: "global",
        period: "daily",
        rank: i + 1,
        song_id: `chartsong${song}`,
        song_name: `Chart song ${song}`,
        artist_names: `Singer ${song % 7}, Band ${song % 3}`,
        label: null,
        peak_rank: i + 1,
        previous_rank: null,
        periods_on_chart: day + 1,
        // Every fourth song of the last file's top has no stream count on the first day.
        streams: day === 0 && song % 4 === 1 ? null : 5_000_000 - i * 200_000 + day * 10_000,
        source_key: rawKey,
      };
    });
    await writeTable(lakeDir, "chart_positions", date, rawKey, rows);
    built.chartPositions.push(...rows.map((r) => ({ ...r, snapshot_date: date })));
  }
}

/** Writes the planned tables under `<lakeDir>/transformed_data/` and returns their rows. */
export async function buildLake(
  lakeDir: string,
  plan: { playlists: PlaylistPlan[]; charts?: ChartPlan[] },
): Promise<BuiltLake> {
  const built: BuiltLake = {
    songs: [],
    artists: [],
    chartPositions: [],
    lastExtractedAt: new Map(),
  };
  for (const playlist of plan.playlists) await writePlaylist(lakeDir, playlist, built);
  for (const chart of plan.charts ?? []) await writeChart(lakeDir, chart, built);
  return built;
}
