/**
 * The bench's reference row: DuckDB's own JSON reader and Parquet writer making the four
 * tables in SQL, one Parquet file per table and snapshot date, as a data engineer would write
 * it instead of the converter. It covers the capture's shape only (raw snapshots whose entries
 * are tracks), not every shape and fault the transform handles.
 * Usage (bundled by bench.ts): node duckdb-tables.mjs RAW_DIR OUT_DIR
 */
import { DuckDBInstance } from "@duckdb/node-api";
import path from "node:path";

const [rawDir, outDir] = process.argv.slice(2) as [string, string];
const copyTo = (table: string) =>
  `TO '${path.join(outDir, table)}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (snapshot_date))`;

const SQL = [
  "SET TimeZone = 'UTC'",
  `CREATE TEMP TABLE raw AS SELECT * FROM read_json('${path.join(rawDir, "*.json")}', filename = true)`,
  `CREATE TEMP TABLE entries AS
     SELECT playlist.id AS playlist_id, extracted_at::TIMESTAMPTZ AS extracted_at,
            extracted_at::DATE AS snapshot_date, filename,
            unnest(items) AS entry, generate_subscripts(items, 1) AS position
     FROM raw`,
  `COPY (
     SELECT playlist_id, position::INTEGER AS position, entry.track.id AS song_id,
            entry.track.name AS song_name, entry.track.duration_ms::INTEGER AS duration_ms,
            entry.track.explicit AS explicit, entry.track.popularity::INTEGER AS popularity,
            entry.track.external_ids.isrc AS isrc, entry.added_at::TIMESTAMPTZ AS added_at,
            entry.track.album.id AS album_id, list_transform(entry.track.artists, a -> a.id) AS artist_ids,
            entry.track.external_urls.spotify AS song_url, extracted_at, snapshot_date
     FROM entries WHERE entry.track.id IS NOT NULL
   ) ${copyTo("songs")}`,
  `COPY (
     SELECT DISTINCT ON (filename, album_id) snapshot_date, entry.track.album.id AS album_id,
            entry.track.album.name AS album_name, entry.track.album.album_type AS album_type,
            try_cast(CASE length(entry.track.album.release_date::VARCHAR)
                       WHEN 4 THEN entry.track.album.release_date::VARCHAR || '-01-01'
                       WHEN 7 THEN entry.track.album.release_date::VARCHAR || '-01'
                       ELSE entry.track.album.release_date::VARCHAR END AS DATE) AS release_date,
            entry.track.album.release_date_precision AS release_date_precision,
            entry.track.album.total_tracks::INTEGER AS total_tracks,
            entry.track.album.external_urls.spotify AS album_url,
            list_transform(entry.track.album.artists, a -> a.id) AS artist_ids
     FROM entries WHERE entry.track.id IS NOT NULL
   ) ${copyTo("albums")}`,
  `COPY (
     SELECT DISTINCT ON (filename, artist.id) snapshot_date, artist.id AS artist_id,
            artist.name AS artist_name, artist.external_urls.spotify AS artist_url
     FROM (SELECT snapshot_date, filename,
                  unnest(list_concat(entry.track.artists, entry.track.album.artists)) AS artist
           FROM entries WHERE entry.track.id IS NOT NULL)
   ) ${copyTo("artists")}`,
  `COPY (
     SELECT playlist.id AS playlist_id, playlist.name AS playlist_name,
            playlist.snapshot_id AS snapshot_id, extracted_at::TIMESTAMPTZ AS extracted_at,
            playlist.total::INTEGER AS total_items, len(items)::INTEGER AS entries_read,
            len(list_filter(items, e -> e.track.id IS NOT NULL))::INTEGER AS songs_written,
            len(list_filter(items, e -> e.track.id IS NULL))::INTEGER AS entries_skipped,
            filename AS source_key, extracted_at::DATE AS snapshot_date
     FROM raw
   ) ${copyTo("playlists")}`,
];

const connection = await (await DuckDBInstance.create(":memory:")).connect();
for (const statement of SQL) await connection.run(statement);
