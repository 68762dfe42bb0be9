/**
 * `make bench`: every row as a ratio to DuckDB measured in the same run, so that the machine's
 * speed drops out. Transform rows: a year's backlog, 365 daily raw snapshots of the real
 * Top 50 capture on local disk. Extract rows: one large playlist from the local Spotify API
 * with latency, the handler's paging against sequential `next` paging. Every row is a process
 * of its own, timed from start to exit (start-up included, as a user waits for it) with its peak
 * RSS from /usr/bin/time; the rows run one after another. Prints a Markdown table.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { RAW_TO_PROCESS_PREFIX, rawKeyFor } from "../../functions/shared/s3-layout";
import { startEmulator } from "../local/emulator";
import {
  repeatedTop50Playlist,
  top50GlobalPlaylist,
  TOP50_GLOBAL_ID,
} from "../local-spotify-api/recordings";
import { startLocalSpotifyApi } from "../local-spotify-api/server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "dist");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const DAYS = 365;
/** V8's heap as Lambda's Node.js runtime sizes it for a 512 MB function. */
const LAMBDA_512_MB_FLAGS = ["--max-semi-space-size=25", "--max-old-space-size=461"];
/** The extract rows' playlist: 80 items pages of 50, each answered after the latency. */
const EXTRACT = { entries: 4000, latencyMs: 50, playlistId: "benchLargePlaylist" };

interface Measured {
  ms: number;
  peakRssBytes: number;
  stdout: string;
}

/** Runs a command to its exit under /usr/bin/time; fails on a non-zero exit. */
async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Measured> {
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}`);
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M", "-o", timeFile, command, ...args], {
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}`);
  const peakKib = Number((await readFile(timeFile, "utf8")).trim().split("\n").at(-1));
  await rm(timeFile, { force: true });
  return { ms, peakRssBytes: peakKib * 1024, stdout };
}

/** One compact raw snapshot per day, the capture's 50 entries each, named as the extract names them. */
async function writeBacklog(dir: string): Promise<void> {
  const { name, snapshotId, ownerId, entries } = top50GlobalPlaylist("track");
  const id = TOP50_GLOBAL_ID;
  await mkdir(dir, { recursive: true });
  for (let day = 0; day < DAYS; day++) {
    const extractedAt = new Date(Date.UTC(2025, 0, 1, 16, 0, 3) + day * 86_400_000);
    const snapshot = {
      source: "spotify",
      extracted_at: extractedAt.toISOString(),
      playlist: { id, name, snapshot_id: snapshotId, owner_id: ownerId, total: entries.length },
      market: null,
      items: entries,
    };
    const file = path.join(dir, path.basename(rawKeyFor(id, extractedAt)));
    await writeFile(file, JSON.stringify(snapshot));
  }
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

/** Fails a row that exited cleanly but did not write what it should have. */
function expectAtLeast(row: string, actual: number, expected: number): void {
  if (actual < expected) throw new Error(`${row}: wrote ${actual} files, expected ${expected}`);
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-"));
  const raw = path.join(work, "raw");
  const out = (row: string) => path.join(work, "out", row);
  await writeBacklog(raw);
  // The bench's own child scripts; packages stay external and resolve from node_modules.
  await build({
    entryPoints: ["duckdb-tables", "run-handler", "run-extract"].map((name) =>
      path.join(import.meta.dirname, `${name}.ts`),
    ),
    outdir: path.join(DIST, "bench"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
  const benchScript = (name: string) => path.join(DIST, "bench", `${name}.mjs`);

  const rows: { label: string; measured: Measured }[] = [];
  const run = async (label: string, command: string, args: string[], env = {}) => {
    const measured = await measure(command, args, env);
    console.error(`${label}: ${(measured.ms / 1000).toFixed(2)} s`);
    rows.push({ label, measured });
    return measured;
  };

  // Transform rows: 365 snapshots x 4 tables.
  await mkdir(out("duckdb"), { recursive: true });
  await run("DuckDB: read_json + COPY ... (FORMAT parquet), in SQL", process.execPath, [
    benchScript("duckdb-tables"),
    raw,
    out("duckdb"),
  ]);
  expectAtLeast("DuckDB", await countFiles(out("duckdb")), DAYS * 4);
  await run("transform-files converter (node dist/transform-files.mjs)", process.execPath, [
    path.join(DIST, "transform-files.mjs"),
    "--out",
    out("converter"),
    raw,
  ]);
  expectAtLeast("converter", await countFiles(out("converter")), DAYS * 4);
  await run("tutorials' approach: Python + pandas, CSV", PYTHON, [
    path.join(import.meta.dirname, "transform-tutorial-baseline.py"),
    raw,
    out("pandas"),
  ]);
  expectAtLeast("pandas", await countFiles(out("pandas")), DAYS * 3);

  const emulator = await startEmulator();
  try {
    emulator.server.createBucket("bench-lake");
    for (const name of await readdir(raw)) {
      await emulator.s3.send(
        new PutObjectCommand({
          Bucket: "bench-lake",
          Key: RAW_TO_PROCESS_PREFIX + name,
          Body: await readFile(path.join(raw, name)),
        }),
      );
    }
    await run(
      "transform handler as a 512 MB function (V8 flags), batches of 10, S3 in the emulator",
      process.execPath,
      [
        ...LAMBDA_512_MB_FLAGS,
        benchScript("run-handler"),
        path.join(DIST, "transform/index.mjs"),
        "bench-lake",
      ],
      {
        DATA_BUCKET: "bench-lake",
        POWERTOOLS_LOG_LEVEL: "WARN",
        POWERTOOLS_METRICS_DISABLED: "true",
      },
    );

    // Extract rows.
    emulator.server.createBucket("bench-extract");
    const api = await startLocalSpotifyApi({
      playlists: {
        [EXTRACT.playlistId]: repeatedTop50Playlist(EXTRACT.entries, { payloadKey: "item" }),
      },
      latencyMs: EXTRACT.latencyMs,
    });
    const extractEnv = {
      DATA_BUCKET: "bench-extract",
      PLAYLIST_IDS: EXTRACT.playlistId,
      SPOTIFY_API_BASE_URL: api.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: api.accountsBaseUrl,
      SPOTIFY_CLIENT_ID: api.clientId,
      SPOTIFY_CLIENT_SECRET: api.clientSecret,
      POWERTOOLS_LOG_LEVEL: "WARN",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    try {
      for (const [label, args] of [
        ["extract: sequential `next` paging (tutorials)", ["sequential", EXTRACT.playlistId]],
        ["extract handler: concurrent paging", ["handler", path.join(DIST, "extract/index.mjs")]],
      ] as const) {
        const { stdout } = await run(
          label,
          process.execPath,
          [benchScript("run-extract"), ...args],
          extractEnv,
        );
        if (Number(stdout.trim()) !== EXTRACT.entries)
          throw new Error(`${label}: wrote ${stdout.trim()} entries, expected ${EXTRACT.entries}`);
      }
    } finally {
      await api.stop();
    }
  } finally {
    await emulator.stop();
    await rm(work, { recursive: true, force: true });
  }

  const reference = rows[0]!.measured;
  const sequential = rows.find((row) => row.label.startsWith("extract:"))!.measured;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `\n\`make bench\`, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ` +
      `${os.availableParallelism()} cores; transform rows: ${DAYS} snapshots of 50 entries; extract rows: ` +
      `${EXTRACT.entries} entries, ${EXTRACT.latencyMs} ms per request\n\n` +
      "| row | time | peak RSS | time ÷ DuckDB | peak RSS ÷ DuckDB | time ÷ sequential extract |\n" +
      "| --- | ---: | ---: | ---: | ---: | ---: |\n" +
      rows
        .map(({ label, measured: { ms, peakRssBytes } }) => {
          const isExtract = label.startsWith("extract");
          return (
            `| ${label} | ${(ms / 1000).toFixed(2)} s | ${mib(peakRssBytes)} | ` +
            `${(ms / reference.ms).toFixed(2)} | ${(peakRssBytes / reference.peakRssBytes).toFixed(2)} | ` +
            `${isExtract ? (ms / sequential.ms).toFixed(2) : ""} |`
          );
        })
        .join("\n"),
  );
}

await main();
