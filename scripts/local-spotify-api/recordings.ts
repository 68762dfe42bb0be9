/**
 * Recorded Spotify answers the local API serves (files in `recorded/`, built from the real
 * captures in test/fixtures/ with every value unchanged), and the playlists made from them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LocalPlaylist } from "./types";

/** Folder of the recording files. */
export const RECORDINGS_DIR = path.join(import.meta.dirname, "recorded");

/** The real "Top 50 - Global" playlist id (captured 2024-04-22, 50 entries, payload under `track`). */
export const TOP50_GLOBAL_ID = "37i9dQZEVXbMDoHDwVN2tF";
/**
 * A local multi-page playlist: the 50 real Top 50 entries repeated in order up to 220 entries
 * (the playlist object's embedded page of 100, then items pages of 50, 50 and 20), served in
 * the 2026 shape (payload under `item`). The repetition is this project's, not Spotify's:
 * positions 51-220 repeat the real entries 1-50 in order.
 */
export const TOP50_GLOBAL_PAGED_ID = "localTop50GlobalPaged";
/** The playlist of the real 2026-shape page: `total` 58 reported, 2 entries served. */
export const ITEMS_2026_SHAPE_ID = "21THa8j9TaSGuXYNBU5tsC";

/** One recording file: a playlist object and/or page metadata, and the page's entries. */
export interface Recording {
  description: string;
  source: string;
  /** The key the recorded entries carry their payload under. */
  payloadKey: "item" | "track";
  /** The playlist object as captured, without its embedded page (when captured). */
  playlist?: Record<string, unknown>;
  /** The captured page's fields other than `items` (href, total, limit...). */
  page: Record<string, unknown> & { total: number };
  /** The page's entries, exactly as captured. */
  entries: unknown[];
}

const cache = new Map<string, Recording>();

/** Reads `recorded/<name>.json` (cached; callers must not mutate it). */
export function loadRecording(name: "top50-global-2024-04-22" | "items-2026-shape"): Recording {
  let recording = cache.get(name);
  if (!recording) {
    recording = JSON.parse(
      readFileSync(path.join(RECORDINGS_DIR, `${name}.json`), "utf8"),
    ) as Recording;
    cache.set(name, recording);
  }
  return recording;
}

/** `count` entries cycling through `entries` (the same objects, repeated in order). */
export function cycleEntries(entries: readonly unknown[], count: number): unknown[] {
  if (entries.length === 0) throw new Error("cannot cycle an empty entry list");
  return Array.from({ length: count }, (_, index) => entries[index % entries.length]);
}

/** The real Top 50 - Global as a local playlist (`payloadKey` to serve it in either shape). */
export function top50GlobalPlaylist(payloadKey: "item" | "track" = "track"): LocalPlaylist {
  const recording = loadRecording("top50-global-2024-04-22");
  const playlist = recording.playlist ?? {};
  const { id: _id, name, snapshot_id: snapshotId, owner, ...metadata } = playlist;
  return {
    name: String(name),
    snapshotId: String(snapshotId),
    ownerId: String((owner as { id?: string } | undefined)?.id ?? "spotify"),
    entries: recording.entries,
    payloadKey,
    metadata,
  };
}

/**
 * A playlist of `count` entries cycling through the real Top 50 entries (e.g. the 10,000-entry
 * benchmark playlist), in the 2026 shape unless `payloadKey` says otherwise.
 */
export function repeatedTop50Playlist(
  count: number,
  options: { name?: string; payloadKey?: "item" | "track" } = {},
): LocalPlaylist {
  const base = top50GlobalPlaylist(options.payloadKey ?? "item");
  return {
    ...base,
    name: options.name ?? `${base.name} (local copy, ${count} entries)`,
    snapshotId: undefined,
    ownerId: "local-owner",
    entries: cycleEntries(base.entries, count),
  };
}

/** Every recorded playlist the standalone server and the local mode serve, by id. */
export function recordedPlaylists(): Record<string, LocalPlaylist> {
  const page2026 = loadRecording("items-2026-shape");
  return {
    [TOP50_GLOBAL_ID]: top50GlobalPlaylist("track"),
    [TOP50_GLOBAL_PAGED_ID]: repeatedTop50Playlist(220, {
      name: "Top 50 - Global (local multi-page copy)",
      payloadKey: "item",
    }),
    [ITEMS_2026_SHAPE_ID]: {
      name: "Recorded 2026-shape items page",
      ownerId: "spotify_españa",
      entries: page2026.entries,
      payloadKey: "item",
      reportedTotal: page2026.page.total,
    },
  };
}
