/**
 * The raw documents the transform accepts (docs/DESIGN.md, "What transform accepts"), as zod
 * schemas. Only the fields the tables use are declared; everything else Spotify sends is
 * ignored, so new fields never break the pipeline.
 */
import * as z from "../shared/zod";
import { nonEmptyString } from "../shared/zod";

/** Values of int32 columns: a larger one would fail in the Parquet writer, naming no column. */
const nonNegativeInt32 = z.int32().check(z.nonnegative());

const externalUrls = z.nullish(z.object({ spotify: z.nullish(z.string()) }));

/** An artist credit on a track or an album. */
export const artistSchema = z.object({
  id: nonEmptyString,
  name: z.string(),
  external_urls: externalUrls,
});

/** A track's album. */
export const albumSchema = z.object({
  id: nonEmptyString,
  name: z.string(),
  album_type: z.nullish(z.string()),
  release_date: z.nullish(z.string()),
  release_date_precision: z.nullish(z.string()),
  total_tracks: z.nullish(z.int32()),
  external_urls: externalUrls,
  artists: z.nullish(z.array(artistSchema)),
});

/** An entry's payload once it is known to be a track with an id. */
export const trackSchema = z.object({
  id: nonEmptyString,
  name: z.string(),
  duration_ms: nonNegativeInt32,
  explicit: z.boolean(),
  popularity: z.nullish(z.int32()),
  external_ids: z.nullish(z.object({ isrc: z.nullish(z.string()) })),
  external_urls: externalUrls,
  album: albumSchema,
  artists: z.array(artistSchema),
});
export type Track = z.infer<typeof trackSchema>;

/** A playlist entry; the payload is under `item` (Spotify since Feb 2026) or `track` (older). */
export const entrySchema = z.object({
  added_at: z.nullish(z.string()),
  is_local: z.nullish(z.boolean()),
  item: z.optional(z.unknown()),
  track: z.optional(z.unknown()),
});

/** A playlist-items page, as `GET /v1/playlists/{id}/tracks|items` returns it. */
export const itemsPageSchema = z.object({
  href: z.nullish(z.string()),
  items: z.array(z.unknown()),
  total: z.nullish(nonNegativeInt32),
  offset: z.nullish(nonNegativeInt32),
});

/** The raw snapshot the extract function writes. */
export const rawSnapshotSchema = z.object({
  source: z.literal("spotify"),
  extracted_at: z.iso.datetime({ offset: true }),
  playlist: z.object({
    id: nonEmptyString,
    name: z.nullish(z.string()),
    snapshot_id: z.nullish(z.string()),
    owner_id: z.nullish(z.string()),
    total: z.nullish(nonNegativeInt32),
  }),
  market: z.nullish(z.string()),
  items: z.array(z.unknown()),
});

/**
 * A full playlist object (`GET /v1/playlists/{id}`) without its entries page, which
 * normalize-snapshot picks from `items` or `tracks` and checks with {@link itemsPageSchema}: the
 * other key may hold a summary such as `{href, total}` or null (the extract's fields request
 * gets `items` and a `tracks` summary).
 */
export const playlistObjectSchema = z.object({
  id: nonEmptyString,
  name: z.nullish(z.string()),
  snapshot_id: z.nullish(z.string()),
});
