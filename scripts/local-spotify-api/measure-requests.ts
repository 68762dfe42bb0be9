/**
 * Counts the Spotify requests the extract makes per playlist (docs/SPOTIFY.md, "Requests per
 * playlist"): the extract's own core and client against the local Spotify API, for playlists
 * of 50, 200 and 10,000 entries (the real Top 50 entries repeated, 2026 shape). The server
 * counts the requests and the entries each answer carried; the token request is counted apart
 * (a warm function reuses its token). Prints a Markdown table.
 *
 *   node_modules/.bin/tsx scripts/local-spotify-api/measure-requests.ts [--sizes 50,200,10000]
 */
import { parseArgs } from "node:util";
import { extractPlaylists } from "../../functions/extract/extract-playlists";
import { SpotifyClient } from "../../functions/extract/spotify-client";
import { repeatedTop50Playlist } from "./recordings";
import { startLocalSpotifyApi } from "./server";

/** One playlist's counts. */
export interface RequestCount {
  entries: number;
  token: number;
  playlist: number;
  items: number;
  /** Playlist entries carried by all answers together (the entries count once each when none is fetched twice). */
  entriesServed: number;
}

/** Extracts one playlist of each size and counts what it asked of the local API. */
async function measureRequests(sizes: readonly number[]): Promise<RequestCount[]> {
  const api = await startLocalSpotifyApi();
  const silent = { info() {}, warn() {}, error() {}, debug() {} };
  try {
    const counts: RequestCount[] = [];
    for (const size of sizes) {
      const id = `measure${size}`;
      api.setPlaylist(id, repeatedTop50Playlist(size));
      api.requests.splice(0);
      const client = new SpotifyClient({
        credentials: { clientId: api.clientId, clientSecret: api.clientSecret },
        apiBaseUrl: api.apiBaseUrl,
        accountsBaseUrl: api.accountsBaseUrl,
      });
      const result = await extractPlaylists([id], {
        reader: client,
        store: { putJson: async () => undefined },
        now: () => new Date("2026-11-22T16:00:03.123Z"),
        remainingMs: () => Infinity,
        logger: silent,
        pageConcurrency: 2,
        market: null,
      });
      if (result.written.length !== 1) {
        throw new Error(`playlist of ${size} entries failed: ${result.failed[0]?.reason}`);
      }
      const of = (endpoint: string) => api.requests.filter((r) => r.endpoint === endpoint).length;
      counts.push({
        entries: size,
        token: of("token"),
        playlist: of("playlist"),
        items: of("items"),
        entriesServed: api.requests.reduce((sum, r) => sum + (r.entriesServed ?? 0), 0),
      });
    }
    return counts;
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "50,200,10000" } } });
  const counts = await measureRequests(values.sizes.split(",").map(Number));
  console.log(
    "| entries | Web API requests | playlist object | items pages | entries carried | + token |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const c of counts) {
    console.log(
      `| ${c.entries} | ${c.playlist + c.items} | ${c.playlist} | ${c.items} | ${c.entriesServed} | ${c.token} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
