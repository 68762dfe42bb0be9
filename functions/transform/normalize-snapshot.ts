/**
 * The transform's pure core: one raw Spotify document in, the four tables' rows out.
 * No AWS here; the handler and the command-line tool both call {@link normalizeSnapshot}.
 */
import * as z from "../shared/zod";
import { snapshotNameFor } from "../shared/s3-layout";
import {
  entrySchema,
  itemsPageSchema,
  playlistObjectSchema,
  rawSnapshotSchema,
  trackSchema,
  type Track,
} from "./input-shapes";
import { InvalidSnapshotError } from "./errors";
import type { AlbumRow, ArtistRow, SnapshotTables, SongRow } from "./tables";

/** Why an entry produced no song row. */
export type SkipReason = "null" | "local" | "episode" | "no_payload";
export const SKIP_REASONS: readonly SkipReason[] = ["null", "local", "episode", "no_payload"];

/** Which accepted shape a document had. */
export type DocumentShape = "raw_snapshot" | "items_page" | "playlist_object";

/** Where a document came from; decides the fallback playlist id and snapshot date. */
export interface DocumentSource {
  /** The object key (or file path) the document arrived under; recorded as `source_key`. */
  key: string;
  /** The object's LastModified (or file mtime): the snapshot date of shapes without `extracted_at`. */
  lastModified: Date;
}

/** One document's tables and what was skipped. */
export interface NormalizedSnapshot {
  shape: DocumentShape;
  /** `YYYY-MM-DD`, UTC: the Hive partition the outputs go to. */
  snapshotDate: string;
  tables: SnapshotTables;
  skipped: Record<SkipReason, number>;
}

/** JSON's whitespace (`\s` would also take characters JSON does not allow there). */
const WS = "[ \\t\\n\\r]*";
/** A list of two-letter country codes, the only `available_markets` value that is cut. */
const CODES = `\\[${WS}(?:"[A-Z]{2}"(?:${WS},${WS}"[A-Z]{2}")*)?${WS}\\]`;
/**
 * An `available_markets` member. The pattern starts with the quoted name, so the regex engine
 * can skip ahead to that text: five times faster than a pattern that also matched the comma
 * before it, which was tried at every position (0.13 against 0.66 ms for a chart, measured).
 */
const MARKETS_MEMBER = new RegExp(`"available_markets"${WS}:${WS}${CODES}`, "g");

const isJsonWhitespace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;
const skipJsonWhitespace = (text: string, at: number) => {
  while (isJsonWhitespace(text.charCodeAt(at))) at++;
  return at;
};
const COMMA = 44;
const OPEN_BRACE = 123;

/**
 * The raw text without its `available_markets` members (the lists of tracks and albums). No
 * table uses them, yet they are two thirds of a parsed snapshot (about 100 MB of a
 * 10,000-entry playlist's 140 MB) and a quarter to a third of its parse time. Valid JSON stays
 * valid JSON with only those members gone (an object that repeats the key keeps one of them);
 * JSON errors keep their place, but positions in them count in the shorter text.
 *
 * A member goes with the comma that joins it to its neighbours: the comma before it, or, for an
 * object's first member, the comma after it. The quote before the name must follow a comma or
 * `{` (JSON whitespace between), so the name is a whole key: never the end of a longer key or
 * text inside a string, where a quote is escaped.
 */
export function cutMarketLists(text: string): string {
  let kept = ""; // the text before `from`, without the members cut so far
  let from = 0;
  for (const member of text.matchAll(MARKETS_MEMBER)) {
    let start = member.index;
    let end = start + member[0].length;
    let before = start - 1;
    while (isJsonWhitespace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === COMMA && before >= from) {
      start = before;
    } else if (text.charCodeAt(before) === OPEN_BRACE) {
      end = skipJsonWhitespace(text, end);
      if (text.charCodeAt(end) === COMMA) end++;
    } else {
      continue; // not a whole key, or its comma went with the member before it
    }
    kept += text.slice(from, start);
    from = end;
  }
  return from === 0 ? text : kept + text.slice(from);
}

/** Parses a raw snapshot's text; `name` says which file in the error when it is not JSON. */
export function parseSnapshotText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidSnapshotError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

interface PlaylistFacts {
  shape: DocumentShape;
  playlistId: string;
  playlistName: string | null;
  snapshotId: string | null;
  extractedAt: Date | null;
  total: number | null;
  offset: number;
  entries: unknown[];
}

const EXPECTED_SHAPES =
  "expected a raw snapshot {source, extracted_at, playlist, items}, a playlist-items page " +
  "{href, items, total} or a playlist object {id, name, tracks|items}";

/**
 * Turns one raw document into rows for songs, albums, artists and playlists.
 * Skipped entries keep their slot in `position`; repeated tracks stay in songs; albums and
 * artists are deduplicated (first credit wins). Throws {@link InvalidSnapshotError} with what
 * was expected and what was found when the document is not a playlist.
 */
export function normalizeSnapshot(document: unknown, source: DocumentSource): NormalizedSnapshot {
  const facts = readPlaylistFacts(document, source);
  const skipped: Record<SkipReason, number> = { null: 0, local: 0, episode: 0, no_payload: 0 };
  const songs: SongRow[] = [];
  const albums = new Map<string, AlbumRow>();
  const artists = new Map<string, ArtistRow>();

  facts.entries.forEach((entry, index) => {
    const position = facts.offset + index + 1;
    const classified = classifyEntry(entry, position);
    if ("skip" in classified) {
      skipped[classified.skip] += 1;
      return;
    }
    const { track, addedAt } = classified;
    songs.push(songRowFor(facts, position, track, addedAt));
    if (!albums.has(track.album.id)) albums.set(track.album.id, albumRowFor(track));
    for (const artist of [...track.artists, ...(track.album.artists ?? [])]) {
      if (!artists.has(artist.id)) {
        artists.set(artist.id, {
          artist_id: artist.id,
          artist_name: artist.name,
          artist_url: artist.external_urls?.spotify ?? null,
        });
      }
    }
  });

  const entriesSkipped = SKIP_REASONS.reduce((sum, reason) => sum + skipped[reason], 0);
  return {
    shape: facts.shape,
    snapshotDate: utcDate(facts.extractedAt ?? source.lastModified),
    skipped,
    tables: {
      songs,
      albums: [...albums.values()],
      artists: [...artists.values()],
      playlists: [
        {
          playlist_id: facts.playlistId,
          playlist_name: facts.playlistName,
          snapshot_id: facts.snapshotId,
          extracted_at: facts.extractedAt,
          total_items: facts.total,
          entries_read: facts.entries.length,
          songs_written: songs.length,
          entries_skipped: entriesSkipped,
          source_key: source.key,
        },
      ],
    },
  };
}

/**
 * Normalises a Spotify `release_date` by its shape: `YYYY` is Jan 1, `YYYY-MM` the 1st,
 * `YYYY-MM-DD` as is. Year `0000`, impossible dates and anything else are null.
 */
export function parseReleaseDate(value: string | null | undefined): Date | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value ?? "");
  if (!match) return null;
  const [, year, month = "01", day = "01"] = match;
  if (year === "0000") return null;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  // Date rolls 2023-02-30 over to March; a round trip catches it.
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(`${year}-${month}-${day}`)
    ? date
    : null;
}

function readPlaylistFacts(document: unknown, source: DocumentSource): PlaylistFacts {
  // The Python tutorials dump `[playlist]`: a one-element list around any accepted shape.
  const doc = Array.isArray(document) && document.length === 1 ? document[0] : document;
  if (!isObject(doc))
    throw new InvalidSnapshotError(`${EXPECTED_SHAPES}; found ${describe(document)}`);

  if ("source" in doc || "playlist" in doc || "extracted_at" in doc) {
    const snapshot = parseShape(rawSnapshotSchema, doc, "a raw snapshot");
    return {
      shape: "raw_snapshot",
      playlistId: snapshot.playlist.id,
      playlistName: snapshot.playlist.name ?? null,
      snapshotId: snapshot.playlist.snapshot_id ?? null,
      extractedAt: new Date(snapshot.extracted_at),
      total: snapshot.playlist.total ?? null,
      offset: 0,
      entries: snapshot.items,
    };
  }
  if ("id" in doc && (isObject(doc.tracks) || isObject(doc.items))) {
    const playlist = parseShape(playlistObjectSchema, doc, "a playlist object");
    const pageKey = entriesPageKey(doc);
    const page = parseShape(
      itemsPageSchema,
      doc[pageKey],
      `a playlist object's \`${pageKey}\` page`,
    );
    return {
      shape: "playlist_object",
      playlistId: playlist.id,
      playlistName: playlist.name ?? null,
      snapshotId: playlist.snapshot_id ?? null,
      extractedAt: null,
      total: page.total ?? null,
      offset: page.offset ?? 0,
      entries: page.items,
    };
  }
  if (Array.isArray(doc.items)) {
    const page = parseShape(itemsPageSchema, doc, "a playlist-items page");
    return {
      shape: "items_page",
      playlistId: playlistIdFromHref(page.href) ?? snapshotNameFor(source.key),
      playlistName: null,
      snapshotId: null,
      extractedAt: null,
      total: page.total ?? null,
      offset: page.offset ?? 0,
      entries: page.items,
    };
  }
  throw new InvalidSnapshotError(`${EXPECTED_SHAPES}; found ${describe(document)}`);
}

type ClassifiedEntry = { skip: SkipReason } | { track: Track; addedAt: Date | null };

function classifyEntry(entry: unknown, position: number): ClassifiedEntry {
  if (entry === null || entry === undefined) return { skip: "null" };
  const parsedEntry = entrySchema.safeParse(entry);
  if (!parsedEntry.success) {
    throw new InvalidSnapshotError(
      `entry at position ${position} is malformed: ${z.prettifyError(parsedEntry.error)}`,
    );
  }
  const { item, track, is_local, added_at } = parsedEntry.data;
  const payload = item ?? track;
  if (payload === null || payload === undefined) return { skip: "no_payload" };
  if (!isObject(payload)) {
    throw new InvalidSnapshotError(
      `entry at position ${position}: payload should be an object, found ${describe(payload)}`,
    );
  }
  if (payload.type === "episode" || payload.episode === true) return { skip: "episode" };
  if (
    is_local === true ||
    payload.is_local === true ||
    typeof payload.id !== "string" ||
    payload.id === ""
  ) {
    return { skip: "local" };
  }
  const parsedTrack = trackSchema.safeParse(payload);
  if (!parsedTrack.success) {
    throw new InvalidSnapshotError(
      `track ${payload.id} at position ${position} is malformed: ${z.prettifyError(parsedTrack.error)}`,
    );
  }
  return { track: parsedTrack.data, addedAt: parseInstant(added_at) };
}

function songRowFor(
  { playlistId, extractedAt }: PlaylistFacts,
  position: number,
  track: Track,
  addedAt: Date | null,
): SongRow {
  return {
    playlist_id: playlistId,
    position,
    song_id: track.id,
    song_name: track.name,
    duration_ms: track.duration_ms,
    explicit: track.explicit,
    popularity: track.popularity ?? null,
    isrc: track.external_ids?.isrc ?? null,
    added_at: addedAt,
    album_id: track.album.id,
    artist_ids: track.artists.map((artist) => artist.id),
    song_url: track.external_urls?.spotify ?? null,
    extracted_at: extractedAt,
  };
}

function albumRowFor({ album }: Track): AlbumRow {
  return {
    album_id: album.id,
    album_name: album.name,
    album_type: album.album_type ?? null,
    release_date: parseReleaseDate(album.release_date),
    release_date_precision: album.release_date_precision ?? null,
    total_tracks: album.total_tracks ?? null,
    album_url: album.external_urls?.spotify ?? null,
    artist_ids: (album.artists ?? []).map((artist) => artist.id),
  };
}

/**
 * Which key of a playlist object holds its entries: the first of `items` and `tracks` with an
 * `items` array; else the one that is an object, for the page check to say what is wrong.
 */
function entriesPageKey(playlist: Record<string, unknown>): "items" | "tracks" {
  const hasEntries = (value: unknown) => isObject(value) && Array.isArray(value.items);
  if (hasEntries(playlist.items)) return "items";
  if (hasEntries(playlist.tracks)) return "tracks";
  return isObject(playlist.items) ? "items" : "tracks";
}

function parseShape<T>(schema: z.ZodMiniType<T>, doc: unknown, what: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  throw new InvalidSnapshotError(
    `looks like ${what} but is not valid:\n${z.prettifyError(parsed.error)}`,
  );
}

/** @throws {InvalidSnapshotError} When the id in `href` does not decode (a URIError would be retried). */
function playlistIdFromHref(href: string | null | undefined): string | undefined {
  const id = /\/playlists\/([^/?#]+)/.exec(href ?? "")?.[1];
  if (!id) return undefined;
  try {
    return decodeURIComponent(id);
  } catch {
    throw new InvalidSnapshotError(
      `href ${href}: the playlist id ${id} is not valid percent-encoding`,
    );
  }
}

/** An ISO date and time without a zone designator, which Date reads in the machine's time zone. */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function parseInstant(value: string | null | undefined): Date | null {
  if (!value) return null;
  // added_at is UTC: Spotify's end in Z, and older pipelines' values without a zone mean UTC too.
  const instant = new Date(ZONELESS_DATE_TIME.test(value) ? `${value}Z` : value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} element(s)`;
  if (isObject(value)) {
    const keys = Object.keys(value);
    return keys.length
      ? `an object with keys ${keys.slice(0, 10).join(", ")}${keys.length > 10 ? ", ..." : ""}`
      : "an empty object";
  }
  return value === null ? "null" : `a ${typeof value}`;
}
