/**
 * The output tables (docs/DESIGN.md, "Tables"): a snapshot's four and the charts' `chart_positions`,
 * their row types and the explicit column schema the Parquet writer uses. `snapshot_date` is
 * the Hive partition in the path, never a column.
 */
import type { LakeTableName } from "../shared/s3-layout";

/** One playlist entry that is a track with an id. */
export interface SongRow {
  playlist_id: string;
  position: number;
  song_id: string;
  song_name: string;
  duration_ms: number;
  explicit: boolean;
  popularity: number | null;
  isrc: string | null;
  added_at: Date | null;
  album_id: string;
  artist_ids: string[];
  song_url: string | null;
  /** The snapshot's `extracted_at`: tells apart two snapshots of one playlist on one day. */
  extracted_at: Date | null;
}

/** One distinct album among a file's songs. */
export interface AlbumRow {
  album_id: string;
  album_name: string;
  album_type: string | null;
  release_date: Date | null;
  release_date_precision: string | null;
  total_tracks: number | null;
  album_url: string | null;
  artist_ids: string[];
}

/** One distinct artist credited on a file's songs or their albums. */
export interface ArtistRow {
  artist_id: string;
  artist_name: string;
  artist_url: string | null;
}

/** One row per raw file: what it said and what became of its entries. */
export interface PlaylistRow {
  playlist_id: string;
  playlist_name: string | null;
  snapshot_id: string | null;
  extracted_at: Date | null;
  total_items: number | null;
  entries_read: number;
  songs_written: number;
  entries_skipped: number;
  source_key: string;
}

/** All four tables' rows for one raw file. */
export interface SnapshotTables {
  songs: SongRow[];
  albums: AlbumRow[];
  artists: ArtistRow[];
  playlists: PlaylistRow[];
}

/** One line of a Spotify Charts CSV export. */
export interface ChartPositionRow {
  /** From the file name, e.g. `regional-global-daily`. */
  chart: string;
  /** `global` or the lower-case country code from the file name. */
  region: string;
  period: "daily" | "weekly";
  rank: number;
  /** The id in `uri` (`spotify:track:<id>`). */
  song_id: string;
  song_name: string;
  /** As exported: names may contain commas, so it is not split. */
  artist_names: string;
  /** `source`; null when the export has no such column. */
  label: string | null;
  peak_rank: number | null;
  /** Null where the export says `-1` or nothing: a new entry. */
  previous_rank: number | null;
  /** `days_on_chart` (daily) or `weeks_on_chart` (weekly). */
  periods_on_chart: number | null;
  /** A bigint past 2^53 - 1, where a number is no longer exact. */
  streams: number | bigint | null;
  source_key: string;
}

/** Every table's rows, keyed by table name. */
export interface LakeTables extends SnapshotTables {
  chart_positions: ChartPositionRow[];
}

/** Logical column types; `parquet.ts` maps each to its Parquet schema element. */
export type ColumnType =
  "string" | "int32" | "int64" | "boolean" | "date" | "timestamp_millis_utc" | "string_list";

/** One column of a table. */
export interface ColumnDefinition<Row> {
  name: keyof Row & string;
  type: ColumnType;
  nullable: boolean;
}

type TableRows = { [T in LakeTableName]: LakeTables[T][number] };

/** The explicit schema of every table, in column order. */
export const TABLE_COLUMNS: { [T in LakeTableName]: ColumnDefinition<TableRows[T]>[] } = {
  songs: [
    { name: "playlist_id", type: "string", nullable: false },
    { name: "position", type: "int32", nullable: false },
    { name: "song_id", type: "string", nullable: false },
    { name: "song_name", type: "string", nullable: false },
    { name: "duration_ms", type: "int32", nullable: false },
    { name: "explicit", type: "boolean", nullable: false },
    { name: "popularity", type: "int32", nullable: true },
    { name: "isrc", type: "string", nullable: true },
    { name: "added_at", type: "timestamp_millis_utc", nullable: true },
    { name: "album_id", type: "string", nullable: false },
    { name: "artist_ids", type: "string_list", nullable: false },
    { name: "song_url", type: "string", nullable: true },
    { name: "extracted_at", type: "timestamp_millis_utc", nullable: true },
  ],
  albums: [
    { name: "album_id", type: "string", nullable: false },
    { name: "album_name", type: "string", nullable: false },
    { name: "album_type", type: "string", nullable: true },
    { name: "release_date", type: "date", nullable: true },
    { name: "release_date_precision", type: "string", nullable: true },
    { name: "total_tracks", type: "int32", nullable: true },
    { name: "album_url", type: "string", nullable: true },
    { name: "artist_ids", type: "string_list", nullable: false },
  ],
  artists: [
    { name: "artist_id", type: "string", nullable: false },
    { name: "artist_name", type: "string", nullable: false },
    { name: "artist_url", type: "string", nullable: true },
  ],
  playlists: [
    { name: "playlist_id", type: "string", nullable: false },
    { name: "playlist_name", type: "string", nullable: true },
    { name: "snapshot_id", type: "string", nullable: true },
    { name: "extracted_at", type: "timestamp_millis_utc", nullable: true },
    { name: "total_items", type: "int32", nullable: true },
    { name: "entries_read", type: "int32", nullable: false },
    { name: "songs_written", type: "int32", nullable: false },
    { name: "entries_skipped", type: "int32", nullable: false },
    { name: "source_key", type: "string", nullable: false },
  ],
  chart_positions: [
    { name: "chart", type: "string", nullable: false },
    { name: "region", type: "string", nullable: false },
    { name: "period", type: "string", nullable: false },
    { name: "rank", type: "int32", nullable: false },
    { name: "song_id", type: "string", nullable: false },
    { name: "song_name", type: "string", nullable: false },
    { name: "artist_names", type: "string", nullable: false },
    { name: "label", type: "string", nullable: true },
    { name: "peak_rank", type: "int32", nullable: true },
    { name: "previous_rank", type: "int32", nullable: true },
    { name: "periods_on_chart", type: "int32", nullable: true },
    { name: "streams", type: "int64", nullable: true },
    { name: "source_key", type: "string", nullable: false },
  ],
};
