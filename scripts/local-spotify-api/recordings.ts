/**
 * Recorded Spotify answers the local API serves, read from the captures in test/fixtures/
 * (their one home; see test/fixtures/README.md), and the playlists made from them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LocalPlaylist } from "./types";

/** Folder of the captures (every value as Spotify sent it). */
const CAPTURES_DIR = path.resolve(import.meta.dirname, "../../test/fixtures");

/** The real "Top 50 - Global" playlist id (captured 2024-04-22, 50 entries, payload under `track`). */
export const TOP50_GLOBAL_ID = "37i9dQZEVXbMDoHDwVN2tF";
/**
 * A local multi-page playlist: the 50 real Top 50 entries repeated in order up to 220 entries
 * (the playlist object's embedded page of 100, then items pages of 50, 50 and 20), served in
 * the 2026 shape (payload under `item`). The repetition is this project's, not Spotify's:
 * positions 51-220 repeat the real entries 1-50 in order.
 */
export const TOP50_GLOBAL_PAGED_ID = "localTop50GlobalPaged";
/**
 * The playlist of the real transitional-shape page (payload under `item`, but a `/tracks` href,
 * limit 100 and `popularity`): `total` 58 reported, 2 entries served.
 */
export const ITEMS_2026_SHAPE_ID = "21THa8j9TaSGuXYNBU5tsC";
/**
 * The playlist of the 2026 development-mode page (test/fixtures/items-2026-devmode.page.json):
 * the 50 real Top 50 entries as a development-mode app receives them, with a user token only.
 */
export const ITEMS_2026_DEVMODE_ID = "0wnedDevModePlaylist26";

/** One capture, split into what the local API serves. */
export interface Recording {
  /** The key the recorded entries carry their payload under. */
  payloadKey: "item" | "track";
  /** The playlist object as captured, without its embedded page (when captured). */
  playlist?: Record<string, unknown>;
  /** The captured page's fields other than `items` (href, total, limit...). */
  page: Record<string, unknown> & { total: number };
  /** The page's entries, exactly as captured. */
  entries: unknown[];
}

/** The captures, by name: file and whether it is a playlist object (in a list) or a page. */
const CAPTURES = {
  "top50-global-2024-04-22": { file: "top50-global-2024-04-22.playlist.json", payloadKey: "track" },
  "items-2026-shape": { file: "items-2026-shape.page.json", payloadKey: "item" },
  "items-2026-devmode": { file: "items-2026-devmode.page.json", payloadKey: "item" },
} as const;

const cache = new Map<string, Recording>();

/** Reads one capture (cached; callers must not mutate it). */
export function loadRecording(name: keyof typeof CAPTURES): Recording {
  let recording = cache.get(name);
  if (!recording) {
    const { file, payloadKey } = CAPTURES[name];
    const json: unknown = JSON.parse(readFileSync(path.join(CAPTURES_DIR, file), "utf8"));
    // The Top 50 capture is spotipy's one-element list holding the playlist object.
    const object = (Array.isArray(json) ? json[0] : json) as Record<string, unknown>;
    const pageOf = (value: Record<string, unknown>) => {
      const { items, ...page } = value;
      return { entries: items as unknown[], page: page as Recording["page"] };
    };
    if ("tracks" in object) {
      const { tracks, ...playlist } = object;
      recording = { payloadKey, playlist, ...pageOf(tracks as Record<string, unknown>) };
    } else {
      recording = { payloadKey, ...pageOf(object) };
    }
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
  const devMode = loadRecording("items-2026-devmode");
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
    [ITEMS_2026_DEVMODE_ID]: {
      name: "2026 development-mode page (from the Top 50 capture)",
      ownerId: "local-owner",
      entries: devMode.entries,
      payloadKey: "item",
      entriesNeedUser: true,
    },
  };
}
