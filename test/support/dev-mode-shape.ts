/**
 * How the 2026 development-mode fixture (test/fixtures/items-2026-devmode.page.json) was made
 * from the real Top 50 capture, so a test can show that it is exactly that and nothing else.
 */

/** The fields Spotify stopped sending to development-mode apps in February 2026. */
export const DEV_MODE_DROPPED_FIELDS = ["popularity", "available_markets", "linked_from"] as const;

/** The id of the fixture's playlist: local, standing for one the signed-in user owns. */
export const DEV_MODE_PLAYLIST_ID = "0wnedDevModePlaylist26";

/**
 * One captured entry as a development-mode app receives it in 2026: payload under `item`,
 * without `popularity`, `available_markets` (track and album) or `linked_from`; `external_ids`
 * (ISRC) kept, as Spotify sends it again since March 2026.
 */
export function toDevModeEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !(DEV_MODE_DROPPED_FIELDS as readonly string[]).includes(key))
        .map(([key, inner]) => [key, key === "album" ? strip(inner) : inner]),
    );
  };
  return Object.fromEntries(
    Object.entries(entry).map(([key, value]) =>
      key === "track" ? ["item", strip(value)] : [key, value],
    ),
  );
}

/** The whole fixture page from the capture's entries. */
export function devModePage(entries: readonly unknown[]): Record<string, unknown> {
  const base = `https://api.spotify.com/v1/playlists/${DEV_MODE_PLAYLIST_ID}/items`;
  return {
    href: `${base}?offset=0&limit=50`,
    items: entries.map((entry) => toDevModeEntry(entry as Record<string, unknown>)),
    limit: 50,
    next: null,
    offset: 0,
    previous: null,
    total: entries.length,
  };
}
