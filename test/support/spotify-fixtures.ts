/** Hand-made Spotify playlist entries for edge-case tests, shaped like the Web API's. */
import { readFileSync } from "node:fs";
import path from "node:path";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");

/** Parses a file under test/fixtures/. */
export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as T;
}

/** The real "Top 50 - Global" capture: a one-element list holding a playlist object. */
export function top50Capture(): {
  id: string;
  name: string;
  snapshot_id: string;
  tracks: { items: unknown[] };
}[] {
  return readFixture("top50-global-2024-04-22.playlist.json");
}

/** A Spotify artist object. */
export function artist(id: string, name: string) {
  return {
    id,
    name,
    type: "artist",
    external_urls: { spotify: `https://open.spotify.com/artist/${id}` },
  };
}

interface TrackOptions {
  id?: string;
  name?: string;
  albumId?: string;
  albumName?: string;
  releaseDate?: string;
  precision?: string;
  artists?: ReturnType<typeof artist>[];
  albumArtists?: ReturnType<typeof artist>[];
  popularity?: number | undefined;
  isrc?: string | undefined;
}

/** A Spotify track object (the entry payload). */
export function track(options: TrackOptions = {}) {
  const id = options.id ?? "track1";
  const artists = options.artists ?? [artist("artist1", "Artist One")];
  const payload: Record<string, unknown> = {
    id,
    name: options.name ?? `Song ${id}`,
    type: "track",
    duration_ms: 180000,
    explicit: false,
    external_ids: options.isrc === undefined ? {} : { isrc: options.isrc },
    external_urls: { spotify: `https://open.spotify.com/track/${id}` },
    is_local: false,
    album: {
      id: options.albumId ?? "album1",
      name: options.albumName ?? "Album One",
      album_type: "album",
      release_date: options.releaseDate ?? "2024-04-18",
      release_date_precision: options.precision ?? "day",
      total_tracks: 12,
      external_urls: { spotify: `https://open.spotify.com/album/${options.albumId ?? "album1"}` },
      artists: options.albumArtists ?? artists,
    },
    artists,
  };
  if (options.popularity !== undefined) payload.popularity = options.popularity;
  return payload;
}

/** A playlist entry with its payload under `item` (2026) or `track` (older). */
export function entry(
  payload: unknown,
  key: "item" | "track" = "item",
  addedAt = "2026-11-20T08:00:00Z",
) {
  return { added_at: addedAt, is_local: false, [key]: payload };
}

/** A raw snapshot as the extract function writes it. */
export function rawSnapshot(
  items: unknown[],
  overrides: { id?: string; extractedAt?: string; total?: number } = {},
) {
  return {
    source: "spotify",
    extracted_at: overrides.extractedAt ?? "2026-11-22T16:00:03.123Z",
    playlist: {
      id: overrides.id ?? "playlist1",
      name: "Test Playlist",
      snapshot_id: "snap1",
      owner_id: "owner1",
      total: overrides.total ?? items.length,
    },
    market: null,
    items,
  };
}
