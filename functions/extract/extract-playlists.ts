/**
 * The extract's core: snapshot several playlists, each read completely (metadata, then every
 * items page with a small bounded concurrency), checked (entries read = `total`, every entry an
 * object or null, the `snapshot_id` unchanged from before the pages to after them), and only
 * then written as one raw object. A playlist edited while read is read again once. A failed
 * playlist writes nothing and does not stop the others. No AWS here: the S3 write goes through
 * {@link RawSnapshotStore}.
 */
import { rawKeyFor } from "../shared/s3-layout";
import { buildRawSnapshot, countTrackEntries, serializeRawSnapshot } from "./raw-snapshot";
import {
  MAX_ITEMS_PAGE_LIMIT,
  MAX_PLAYLIST_ENTRIES,
  type PlaylistItemsPage,
  type PlaylistMetadata,
} from "./spotify-client";
import { ExtractError, PlaylistExtractError } from "./errors";

/** Reads playlists (the {@link SpotifyClient} in production). */
export interface PlaylistReader {
  getPlaylist(playlistId: string): Promise<PlaylistMetadata>;
  getPlaylistItemsPage(
    playlistId: string,
    offset: number,
    limit: number,
  ): Promise<PlaylistItemsPage>;
  /** The playlist's current `snapshot_id` only (null when Spotify gives none). */
  getPlaylistSnapshotId(playlistId: string): Promise<string | null>;
}

/** Where raw snapshots go (S3 in production). */
export interface RawSnapshotStore {
  /** Writes one JSON object under `key`. */
  putJson(key: string, body: string): Promise<void>;
}

/** The logger methods the core uses (Powertools Logger fits). */
export interface ExtractLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  debug(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Settings and injected effects of one run. */
export interface ExtractOptions {
  reader: PlaylistReader;
  store: RawSnapshotStore;
  /** The extraction clock: `extracted_at` and the raw key come from it (the demo runs "as of" past days). */
  now: () => Date;
  /** Milliseconds before the run must stop starting work; `Infinity` when unbounded. */
  remainingMs: () => number;
  logger: ExtractLogger;
  /** Items pages fetched at once for one playlist, after the first (1 = sequential). */
  pageConcurrency: number;
  /** ISO country code sent as `market`, recorded in the snapshot. */
  market: string | null;
  /** Page size requested; Spotify's maximum (50) unless a test says otherwise. */
  pageLimit?: number;
}

/** A playlist written to the raw zone. */
export interface PlaylistWritten {
  status: "written";
  playlistId: string;
  key: string;
  name: string | null;
  snapshotId: string | null;
  entries: number;
  tracks: number;
  bytes: number;
}

/** A playlist that failed; nothing was written for it. */
export interface PlaylistFailed {
  status: "failed";
  playlistId: string;
  reason: string;
  /** The problem's kind when Spotify's answer caused it (`not-found`, `quota-exceeded`...). */
  kind: string;
  /** Whether the next run may succeed without anyone acting (see {@link ExtractError}). */
  retryable: boolean;
}

export type PlaylistOutcome = PlaylistWritten | PlaylistFailed;

/** The outcome of every requested playlist, in request order. */
export interface ExtractRunResult {
  outcomes: PlaylistOutcome[];
  written: PlaylistWritten[];
  failed: PlaylistFailed[];
}

const PLAYLIST_ID = /^[A-Za-z0-9]{1,64}$/;

/**
 * The playlist id in an id, a `spotify:playlist:` URI or an `open.spotify.com/playlist/` link;
 * undefined when it is none of these.
 */
export function parsePlaylistReference(reference: string): string | undefined {
  const text = reference.trim();
  if (PLAYLIST_ID.test(text)) return text;
  const uri = /^spotify:(?:user:[^:]+:)?playlist:([A-Za-z0-9]+)$/.exec(text);
  if (uri?.[1]) return uri[1];
  try {
    const url = new URL(text);
    const match = /^\/(?:intl-[a-z-]+\/)?playlist\/([A-Za-z0-9]+)\/?$/i.exec(url.pathname);
    if (url.hostname === "open.spotify.com" && match?.[1]) return match[1];
  } catch {
    // not a URL
  }
  return undefined;
}

/**
 * Snapshots every playlist in `references` (ids, URIs or links; duplicates read once), one
 * after another. Never throws for a playlist's failure: see {@link ExtractRunResult.failed}.
 */
export async function extractPlaylists(
  references: readonly string[],
  options: ExtractOptions,
): Promise<ExtractRunResult> {
  const outcomes: PlaylistOutcome[] = [];
  const seen = new Set<string>();
  for (const reference of references) {
    const playlistId = parsePlaylistReference(reference);
    if (!playlistId) {
      outcomes.push({
        status: "failed",
        playlistId: reference,
        kind: "invalid-id",
        retryable: false,
        reason:
          `${JSON.stringify(reference)} is not a Spotify playlist id, spotify:playlist: URI or ` +
          `open.spotify.com/playlist/ link.`,
      });
      continue;
    }
    if (seen.has(playlistId)) continue;
    seen.add(playlistId);

    if (options.remainingMs() <= 0) {
      outcomes.push({
        status: "failed",
        playlistId,
        kind: "deadline",
        retryable: true,
        reason:
          "Not started: no time left before the Lambda deadline (minus EXTRACT_DEADLINE_MARGIN_MS).",
      });
      continue;
    }
    outcomes.push(await extractOne(playlistId, options));
  }
  for (const outcome of outcomes) {
    if (outcome.status === "written") {
      options.logger.info("Playlist snapshot written", {
        playlistId: outcome.playlistId,
        key: outcome.key,
        entries: outcome.entries,
        tracks: outcome.tracks,
        bytes: outcome.bytes,
      });
    } else {
      options.logger.error("Playlist extract failed", {
        playlistId: outcome.playlistId,
        problem: outcome.kind,
        retryable: outcome.retryable,
        reason: outcome.reason,
      });
    }
  }
  return {
    outcomes,
    written: outcomes.filter((o): o is PlaylistWritten => o.status === "written"),
    failed: outcomes.filter((o): o is PlaylistFailed => o.status === "failed"),
  };
}

async function extractOne(playlistId: string, options: ExtractOptions): Promise<PlaylistOutcome> {
  const extractedAt = options.now();
  try {
    const { metadata, total, entries } = await readWholePlaylist(playlistId, options);
    const snapshot = buildRawSnapshot({
      playlistId,
      metadata,
      total,
      entries,
      extractedAt,
      market: options.market,
    });
    const key = rawKeyFor(playlistId, extractedAt);
    const body = serializeRawSnapshot(snapshot);
    try {
      await options.store.putJson(key, body);
    } catch (error) {
      throw new PlaylistExtractError(
        `Read all ${total} entries but could not write ${key}: ${(error as Error).name}: ${(error as Error).message}`,
        "write-failed",
      );
    }
    return {
      status: "written",
      playlistId,
      key,
      name: metadata.name,
      snapshotId: metadata.snapshotId,
      entries: entries.length,
      tracks: countTrackEntries(entries),
      bytes: Buffer.byteLength(body),
    };
  } catch (error) {
    return {
      status: "failed",
      playlistId,
      kind: error instanceof ExtractError && "kind" in error ? String(error.kind) : "error",
      // An error of no known kind (a malformed answer, a bug) needs a look before a rerun.
      retryable: error instanceof ExtractError ? error.retryable : false,
      reason: (error as Error).message,
    };
  }
}

const CHANGED = "changed-while-reading";

/**
 * Reads the whole playlist; when it changed while being read (another `snapshot_id` after the
 * pages than before them, or pages reporting another `total`), reads it once more from the
 * start, then fails.
 */
async function readWholePlaylist(
  playlistId: string,
  options: ExtractOptions,
): Promise<{ metadata: PlaylistMetadata; total: number; entries: unknown[] }> {
  try {
    return await readPlaylistOnce(playlistId, options);
  } catch (error) {
    if (!(error instanceof PlaylistExtractError && error.kind === CHANGED)) throw error;
    options.logger.warn("Playlist changed while being read; reading it again from the start", {
      playlistId,
      reason: error.message,
    });
  }
  try {
    return await readPlaylistOnce(playlistId, options);
  } catch (error) {
    if (!(error instanceof PlaylistExtractError && error.kind === CHANGED)) throw error;
    throw new PlaylistExtractError(
      `Playlist ${playlistId} changed while being read, and again on the second read: ` +
        `${error.message}`,
      CHANGED,
    );
  }
}

/**
 * The playlist object first: metadata and, in the 2026 shape, the first page of entries in the
 * same answer. Without an embedded page, the first items page next (one after the other: an
 * edit between two answers fetched together would go unseen). Then the remaining pages
 * (offsets known from `total`) with at most `pageConcurrency` in flight, then the
 * `snapshot_id` again, unless one answer held the whole playlist.
 */
async function readPlaylistOnce(
  playlistId: string,
  options: ExtractOptions,
): Promise<{ metadata: PlaylistMetadata; total: number; entries: unknown[] }> {
  const limit = Math.min(options.pageLimit ?? MAX_ITEMS_PAGE_LIMIT, MAX_ITEMS_PAGE_LIMIT);
  const { firstPage: embedded, ...metadata } = await options.reader.getPlaylist(playlistId);
  if (metadata.total !== undefined)
    refuseAbsurdTotal(playlistId, metadata.total, "playlist object");
  const first = embedded ?? (await options.reader.getPlaylistItemsPage(playlistId, 0, limit));
  const total = first.total;
  refuseAbsurdTotal(playlistId, total, embedded ? "playlist object" : "first items page");

  if (!embedded && metadata.total !== undefined && metadata.total !== total) {
    throw new PlaylistExtractError(
      `Playlist ${playlistId} changed while being read: the playlist object says ${metadata.total} ` +
        `entries, its items page ${total}. Nothing written.`,
      CHANGED,
    );
  }
  // The embedded page has its own size (Spotify: 100); items pages are at most `limit`.
  const itemsPageSize = (page: PlaylistItemsPage) =>
    page.limit && page.limit > 0 ? Math.min(page.limit, limit) : limit;
  const firstSize = embedded
    ? embedded.limit && embedded.limit > 0
      ? embedded.limit
      : Math.max(embedded.items.length, 1)
    : itemsPageSize(first);
  const pageSize = embedded ? limit : firstSize;
  const pages: unknown[][] = [checkedPage(playlistId, first, 0, firstSize, total)];
  const offsets: number[] = [];
  for (let offset = firstSize; offset < total; offset += pageSize) offsets.push(offset);

  const rest = await mapBounded(offsets, Math.max(1, options.pageConcurrency), async (offset) => {
    if (options.remainingMs() <= 0) {
      throw new PlaylistExtractError(
        `Stopped reading playlist ${playlistId} at offset ${offset} of ${total}: no time left ` +
          `before the Lambda deadline (minus EXTRACT_DEADLINE_MARGIN_MS). Nothing written.`,
        "deadline",
      );
    }
    const page = await options.reader.getPlaylistItemsPage(playlistId, offset, pageSize);
    return checkedPage(playlistId, page, offset, pageSize, total);
  });
  pages.push(...rest);

  const entries = pages.flat();
  if (entries.length !== total) {
    throw new PlaylistExtractError(
      `Read ${entries.length} entries of playlist ${playlistId} but Spotify reported total ` +
        `${total}. Nothing written: a snapshot must hold the whole playlist.`,
      "count-mismatch",
    );
  }
  // One answer (metadata with every entry embedded) cannot hold an edit made halfway.
  if (embedded && offsets.length === 0) {
    options.logger.debug("Playlist read", { playlistId, total, pages: 1 });
    return { metadata, total, entries };
  }
  // An edit that keeps the total (one entry swapped for another) shows only in snapshot_id.
  const snapshotAfter = await options.reader.getPlaylistSnapshotId(playlistId);
  if (snapshotAfter !== metadata.snapshotId) {
    throw new PlaylistExtractError(
      `Playlist ${playlistId} changed while being read: its snapshot_id was ` +
        `${JSON.stringify(metadata.snapshotId)} before the pages and ${JSON.stringify(snapshotAfter)} ` +
        `after them. Nothing written.`,
      CHANGED,
    );
  }
  options.logger.debug("Playlist read", { playlistId, total, pages: pages.length });
  return { metadata, total, entries };
}

/**
 * Refuses a `total` over Spotify's cap at once: reading it would only spend requests (5,000,000
 * made 8,062 requests before the deadline stopped them) to fail in the end.
 */
function refuseAbsurdTotal(playlistId: string, total: number, where: string): void {
  if (total <= MAX_PLAYLIST_ENTRIES) return;
  throw new PlaylistExtractError(
    `Spotify's ${where} for playlist ${playlistId} reports total ${total}, but Spotify caps ` +
      `playlists at ${MAX_PLAYLIST_ENTRIES} entries: the answer cannot be right. Nothing read ` +
      `further, nothing written.`,
    "absurd-total",
  );
}

function checkedPage(
  playlistId: string,
  page: PlaylistItemsPage,
  offset: number,
  pageSize: number,
  total: number,
): unknown[] {
  if (page.total !== total) {
    throw new PlaylistExtractError(
      `Playlist ${playlistId} changed while being read: the page at offset ${offset} reports ` +
        `total ${page.total}, the first page ${total}. Nothing written; the next run reads it again.`,
      "changed-while-reading",
    );
  }
  const expected = Math.min(pageSize, total - offset);
  if (page.items.length !== expected) {
    throw new PlaylistExtractError(
      `Read ${page.items.length} entries at offset ${offset} of playlist ${playlistId}, expected ` +
        `${expected} (total ${total}). Nothing written: a snapshot must hold the whole playlist.`,
      "count-mismatch",
    );
  }
  // Spotify's entries are objects (null for a removed track); anything else is a broken answer
  // that the transform would fail on, after the snapshot had been written.
  const bad = page.items.findIndex(
    (entry) => entry !== null && (typeof entry !== "object" || Array.isArray(entry)),
  );
  if (bad >= 0) {
    const entry = page.items[bad];
    throw new PlaylistExtractError(
      `Entry at position ${offset + bad + 1} of playlist ${playlistId} is ` +
        `${Array.isArray(entry) ? "an array" : `a ${typeof entry}`} (${JSON.stringify(entry)?.slice(0, 80)}), ` +
        `not an object or null: Spotify's answer is malformed. Nothing written.`,
      "malformed-entry",
    );
  }
  return page.items;
}

/**
 * Maps `inputs` with at most `concurrency` calls in flight, results in input order. After the
 * first failure no new call starts; the first error is thrown once the running calls settle.
 */
export async function mapBounded<T, R>(
  inputs: readonly T[],
  concurrency: number,
  fn: (input: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < inputs.length) {
      const index = next++;
      try {
        results[index] = await fn(inputs[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
