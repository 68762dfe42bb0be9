/**
 * The bench's extract rows, in a node process of their own, settings from the extract's
 * variables (bench.ts sets them):
 * - `handler HANDLER_MODULE`: the built extract handler, which reads items pages concurrently;
 * - `sequential PLAYLIST_ID`: how the Python tutorials read a playlist (spotipy's
 *   `playlist_items` then `sp.next(results)` in a loop): a client-credentials token, the
 *   playlist object, then one items page at a time following each page's `next` link, no
 *   retries; the same raw snapshot written to S3 at the end through the extract's own S3
 *   writer (the write is not what is compared).
 * Prints the entries written.
 */
import { S3Client } from "@aws-sdk/client-s3";
import axios from "axios";
import { s3SnapshotStore } from "../../functions/extract/s3-snapshot-store";
import { rawKeyFor } from "../../functions/shared/s3-layout";
import { lambdaContext } from "../local/lambda-context";

async function sequentialNextExtract(
  playlistId: string,
  extractedAt: Date,
): Promise<{ entries: number }> {
  const env = process.env;
  const token = await axios.post(
    `${env.SPOTIFY_ACCOUNTS_BASE_URL}/api/token`,
    "grant_type=client_credentials",
    {
      auth: { username: env.SPOTIFY_CLIENT_ID ?? "", password: env.SPOTIFY_CLIENT_SECRET ?? "" },
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    },
  );
  const headers = { Authorization: `Bearer ${token.data.access_token as string}` };
  const playlist = (
    await axios.get(`${env.SPOTIFY_API_BASE_URL}/playlists/${playlistId}`, { headers })
  ).data;
  const items: unknown[] = [];
  let total = 0;
  let next: string | null =
    `${env.SPOTIFY_API_BASE_URL}/playlists/${playlistId}/items?limit=50&offset=0`;
  while (next) {
    const page: { items: unknown[]; next: string | null; total: number } = (
      await axios.get(next, { headers })
    ).data;
    items.push(...page.items);
    total = page.total;
    next = page.next;
  }
  const body = JSON.stringify({
    source: "spotify",
    extracted_at: extractedAt.toISOString(),
    playlist: {
      id: playlist.id,
      name: playlist.name,
      snapshot_id: playlist.snapshot_id,
      owner_id: playlist.owner?.id ?? null,
      total,
    },
    market: null,
    items,
  });
  await s3SnapshotStore(new S3Client({}), env.DATA_BUCKET ?? "").putJson(
    rawKeyFor(playlistId, extractedAt),
    body,
  );
  return { entries: items.length };
}

const [kind, target] = process.argv.slice(2) as ["handler" | "sequential", string];
if (kind === "handler") {
  const { handler } = (await import(target)) as {
    handler: (event: unknown, context: unknown) => Promise<{ written: { entries: number }[] }>;
  };
  const summary = await handler({}, lambdaContext("extract", 900_000));
  console.log(summary.written[0]?.entries ?? 0);
} else {
  console.log((await sequentialNextExtract(target, new Date())).entries);
}
