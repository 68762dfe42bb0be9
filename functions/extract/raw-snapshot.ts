/**
 * The raw snapshot contract (docs/DESIGN.md, "Raw snapshot"): what extract writes to
 * `raw_data/to_process/` for one playlist, entries exactly as Spotify returned them.
 */
import type { PlaylistMetadata } from "./spotify-client";

/** The JSON object of one raw snapshot. */
export interface RawSnapshot {
  source: "spotify";
  /** ISO 8601 UTC instant the extraction of this playlist started. */
  extracted_at: string;
  playlist: {
    id: string;
    name: string | null;
    snapshot_id: string | null;
    owner_id: string | null;
    /** The `total` Spotify reported; equals `items.length`. */
    total: number;
  };
  /**
   * The `market` the extract requested (`SPOTIFY_MARKET`), not one Spotify confirmed: with a
   * user token Spotify applies the user's country instead.
   */
  market: string | null;
  /** Every entry as Spotify returned it (null, local and episode entries included), in order. */
  items: unknown[];
}

/** What {@link buildRawSnapshot} needs. */
export interface RawSnapshotInput {
  /** The id the playlist was requested by (the snapshot's name is derived from it). */
  playlistId: string;
  metadata: PlaylistMetadata;
  total: number;
  entries: unknown[];
  extractedAt: Date;
  market: string | null;
}

/** Builds the contract object. Entries are passed through untouched. */
export function buildRawSnapshot(input: RawSnapshotInput): RawSnapshot {
  if (input.entries.length !== input.total) {
    throw new Error(
      `A raw snapshot needs every entry: ${input.entries.length} read, ${input.total} reported.`,
    );
  }
  return {
    source: "spotify",
    extracted_at: input.extractedAt.toISOString(),
    playlist: {
      id: input.playlistId,
      name: input.metadata.name,
      snapshot_id: input.metadata.snapshotId,
      owner_id: input.metadata.ownerId,
      total: input.total,
    },
    market: input.market,
    items: input.entries,
  };
}

/** The object body written to S3 (compact JSON, UTF-8). */
export function serializeRawSnapshot(snapshot: RawSnapshot): string {
  return JSON.stringify(snapshot);
}

/**
 * How many entries carry a track (not null, not an episode, with a payload under `item` or
 * `track`): the `TracksExtracted` metric the "no data today" alarm watches.
 */
export function countTrackEntries(entries: readonly unknown[]): number {
  let count = 0;
  for (const entry of entries) {
    if (!entry || typeof entry !== "object") continue;
    const record = entry as Record<string, unknown>;
    const payload = record.item ?? record.track;
    if (!payload || typeof payload !== "object") continue;
    const type = (payload as Record<string, unknown>).type;
    if (type === "episode" || (payload as Record<string, unknown>).episode === true) continue;
    count += 1;
  }
  return count;
}
