/**
 * `make bench` (extract part): a 10,000-entry playlist (the real Top 50 entries repeated in
 * order, 2026 shape) served by the local Spotify API with 50 ms latency on every request.
 * Runs, in the same session against the same server and the in-process S3 emulator:
 * - the sequential baseline of the Python tutorials (extract-sequential-baseline.ts): one
 *   items page at a time following `next`, then the same raw snapshot written;
 * - the built extract handler (`dist/extract.zip`, run by `make build`) with
 *   SPOTIFY_PAGE_CONCURRENCY 1, 2 (the default) and 4.
 * Both sides run as esbuild bundles in their own plain `node` process (no TypeScript loader in
 * the way), so wall time and peak RSS are theirs. Requests are counted by the server. Prints a
 * Markdown table for the "Extract" section of docs/BENCHMARKS.md.
 *
 *   node_modules/.bin/tsx scripts/bench/extract.ts [--entries 10000] [--latency-ms 50]
 */
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { rawKeyFor } from "../../functions/shared/s3-layout";
import { bundleScript } from "../lib/bundle-script";
import { readZipEntries } from "../lib/zip";
import { startEmulator } from "../local/emulator";
import { repeatedTop50Playlist } from "../local-spotify-api/recordings";
import { startLocalSpotifyApi } from "../local-spotify-api/server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ZIP = path.join(ROOT, "dist/extract.zip");
const BUCKET = "bench-extract";
const PLAYLIST_ID = "benchTenThousandEntries";
const AT = "2026-11-22T16:00:03.123Z";

/** What a run process prints as its last line. */
interface RunResult {
  wallMs: number;
  entries: number;
  bytes: number;
  peakRssBytes: number;
  rssBeforeBytes: number;
}

/**
 * The run process (plain ES module, no dependencies): loads the module under test (not timed,
 * like a cold start), then times one extraction. argv: kind, module path, playlist id, instant.
 */
const RUNNER = `
const [kind, modulePath, playlistId, at] = process.argv.slice(2);
const mod = await import(modulePath);
let run;
if (kind === "handler") {
  const handler = mod.createHandler({ now: () => new Date(at) });
  const deadline = Date.now() + 900000;
  const context = { awsRequestId: "bench", functionName: "extract", getRemainingTimeInMillis: () => deadline - Date.now() };
  run = async () => {
    const summary = await handler({}, context);
    return { entries: summary.written[0]?.entries ?? 0, bytes: summary.written[0]?.bytes ?? 0 };
  };
} else {
  run = () => mod.sequentialNextExtract(playlistId, new Date(at));
}
globalThis.gc?.();
const rssBeforeBytes = process.memoryUsage().rss;
const started = performance.now();
const result = await run();
const wallMs = performance.now() - started;
console.log(JSON.stringify({ ...result, wallMs, rssBeforeBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
`;

const execFileAsync = promisify(execFile);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "10000" },
      "latency-ms": { type: "string", default: "50" },
    },
  });
  const entries = Number(values.entries);
  const latencyMs = Number(values["latency-ms"]);

  const work = await mkdtemp(path.join(tmpdir(), "bench-extract-"));
  const runner = path.join(work, "runner.mjs");
  const handlerModule = path.join(work, "extract.mjs");
  const baselineModule = path.join(work, "baseline.mjs");
  await writeFile(runner, RUNNER);
  await writeFile(handlerModule, (await readZipEntries(ZIP)).get("index.mjs")!);
  await bundleScript(
    path.join(import.meta.dirname, "extract-sequential-baseline.ts"),
    baselineModule,
  );

  const emulator = await startEmulator();
  emulator.server.createBucket(BUCKET);
  const api = await startLocalSpotifyApi({
    playlists: { [PLAYLIST_ID]: repeatedTop50Playlist(entries, { payloadKey: "item" }) },
    latencyMs,
  });

  const variants = [
    { label: "sequential, following `next` (tutorial baseline)", kind: "baseline", concurrency: 1 },
    { label: "extract handler, SPOTIFY_PAGE_CONCURRENCY=1", kind: "handler", concurrency: 1 },
    {
      label: "extract handler, SPOTIFY_PAGE_CONCURRENCY=2 (default)",
      kind: "handler",
      concurrency: 2,
    },
    { label: "extract handler, SPOTIFY_PAGE_CONCURRENCY=4", kind: "handler", concurrency: 4 },
  ];
  const rows: { label: string; result: RunResult; requests: number; pages: number }[] = [];
  for (const { label, kind, concurrency } of variants) {
    api.requests.splice(0);
    const env = {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      DATA_BUCKET: BUCKET,
      PLAYLIST_IDS: PLAYLIST_ID,
      SPOTIFY_API_BASE_URL: api.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: api.accountsBaseUrl,
      SPOTIFY_CLIENT_ID: api.clientId,
      SPOTIFY_CLIENT_SECRET: api.clientSecret,
      SPOTIFY_PAGE_CONCURRENCY: String(concurrency),
      POWERTOOLS_LOG_LEVEL: "WARN",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        "--expose-gc",
        runner,
        kind,
        kind === "handler" ? handlerModule : baselineModule,
        PLAYLIST_ID,
        AT,
      ],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as RunResult;
    if (result.entries !== entries) {
      throw new Error(`${label}: wrote ${result.entries} entries, expected ${entries}`);
    }
    rows.push({
      label,
      result,
      requests: api.requests.length,
      pages: api.requests.filter((r) => r.endpoint === "items").length,
    });
    await emulator.s3.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: rawKeyFor(PLAYLIST_ID, new Date(AT)) }),
    );
    console.error(`${label}: ${(result.wallMs / 1000).toFixed(2)} s`);
  }
  await api.stop();
  await emulator.stop();
  await rm(work, { recursive: true, force: true });

  const baseline = rows[0]!.result.wallMs;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`
Extract benchmark, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} cores
${entries.toLocaleString("en-US")}-entry playlist, ${latencyMs} ms latency per request (local Spotify API), raw snapshot ${mb(rows[0]!.result.bytes)} MB written to the in-process S3 emulator

| run | wall time | Spotify requests (items pages) | peak RSS | RSS after loading | speed-up vs sequential |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows
  .map(
    ({ label, result, requests, pages }) =>
      `| ${label} | ${(result.wallMs / 1000).toFixed(2)} s | ${requests} (${pages}) | ${mb(result.peakRssBytes)} MB | ` +
      `${mb(result.rssBeforeBytes)} MB | ${(baseline / result.wallMs).toFixed(2)}x |`,
  )
  .join("\n")}
`);
}

await main();
