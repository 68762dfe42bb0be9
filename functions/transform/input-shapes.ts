/**
 * The raw documents the transform accepts (DESIGN.md, "What transform accepts"), as zod
 * schemas. Only the fields the tables use are declared; everything else Spotify sends is
 * ignored, so new fields never break the pipeline.
 */
import { z } from "zod";

const externalUrls = z.object({ spotify: z.string().nullish() }).nullish();

/** An artist credit on a track or an album. */
export const artistSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  external_urls: externalUrls,
});

/** A track's album. */
export const albumSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  album_type: z.string().nullish(),
  release_date: z.string().nullish(),
  release_date_precision: z.string().nullish(),
  total_tracks: z.number().int().nullish(),
  external_urls: externalUrls,
  artists: z.array(artistSchema).nullish(),
});

/** An entry's payload once it is known to be a track with an id. */
export const trackSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  duration_ms: z.number().int().nonnegative(),
  explicit: z.boolean(),
  popularity: z.number().int().nullish(),
  external_ids: z.object({ isrc: z.string().nullish() }).nullish(),
  external_urls: externalUrls,
  album: albumSchema,
  artists: z.array(artistSchema),
});
export type Track = z.infer<typeof trackSchema>;

/** A playlist entry; the payload is under `item` (Spotify since Feb 2026) or `track` (older). */
export const entrySchema = z.object({
  added_at: z.string().nullish(),
  is_local: z.boolean().nullish(),
  item: z.unknown().optional(),
  track: z.unknown().optional(),
});

/** A playlist-items page, as `GET /v1/playlists/{id}/tracks|items` returns it. */
export const itemsPageSchema = z.object({
  href: z.string().nullish(),
  items: z.array(z.unknown()),
  total: z.number().int().nonnegative().nullish(),
  offset: z.number().int().nonnegative().nullish(),
});

/** The raw snapshot the extract function writes. */
export const rawSnapshotSchema = z.object({
  source: z.literal("spotify"),
  extracted_at: z.iso.datetime({ offset: true }),
  playlist: z.object({
    id: z.string().min(1),
    name: z.string().nullish(),
    snapshot_id: z.string().nullish(),
    owner_id: z.string().nullish(),
    total: z.number().int().nonnegative().nullish(),
  }),
  market: z.string().nullish(),
  items: z.array(z.unknown()),
});

/** A full playlist object (`GET /v1/playlists/{id}`), entries under `tracks` or `items`. */
export const playlistObjectSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().nullish(),
    snapshot_id: z.string().nullish(),
    tracks: itemsPageSchema.optional(),
    items: itemsPageSchema.optional(),
  })
  .refine((playlist) => playlist.items ?? playlist.tracks, {
    message: "a playlist object needs its entries page under `items` or `tracks`",
  });
