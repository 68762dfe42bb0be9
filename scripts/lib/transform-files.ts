/**
 * Runs the transform's core on local files (raw snapshots, items pages, playlist objects, the
 * Python tutorials' dumps, Spotify Charts CSV exports) and writes the same `transformed_data/...`
 * layout under a folder.
 * Files are converted in worker threads when the caller names a worker script (the CLI does),
 * else one after another in this thread.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { getHeapStatistics } from "node:v8";
import { parentPort, Worker } from "node:worker_threads";
import {
  LAKE_TABLE_NAMES,
  snapshotNameFor,
  transformedKeyFor,
  type LakeTableName,
} from "../../functions/shared/s3-layout";
import type { NormalizedSnapshot } from "../../functions/transform/normalize-snapshot";
import { encodeTable } from "../../functions/transform/parquet";
import {
  MAX_RAW_OBJECT_BYTES_ENV,
  maxRawObjectBytes,
} from "../../functions/transform/raw-bytes-budget";
import { tablesOfRawObject } from "../../functions/transform/transform-raw-object";
import { parseDateFlag } from "../ops/cli";
import { earlierFilesOfTheSameName } from "./input-files";

/** Options of {@link transformFiles}. */
export interface TransformFilesOptions {
  /** Folder that receives `transformed_data/<table>/snapshot_date=.../<name>.parquet`. */
  outDir: string;
  /** `YYYY-MM-DD` for files without `extracted_at`; default: each file's modification date. */
  snapshotDate?: string;
  /**
   * Files larger than this fail alone, before they are read: V8's out-of-memory error would end
   * the process, and the files after it would never run. Default: MAX_RAW_OBJECT_BYTES when
   * set, else what the converting thread's heap fits, as in the handler.
   */
  maxRawBytes?: number;
  /**
   * A script that calls {@link serveTransformWorker} when it runs in a worker thread: files are
   * then converted in `threads` threads (default: one per core), this one and workers.
   */
  workerScript?: URL;
  threads?: number;
}

/** What a converted file held, for the report (the rows themselves stay in the thread that wrote them). */
export interface FileSummary {
  snapshotDate: string;
  /** Rows per table written: a snapshot's four tables, or a chart export's chart_positions. */
  rows: Partial<Record<LakeTableName, number>>;
  skipped: NormalizedSnapshot["skipped"];
}

/** What happened to one input file. */
export type FileResult =
  | { file: string; ok: true; summary: FileSummary; outputs: string[] }
  | { file: string; ok: false; error: string };

/**
 * A worker's young generation: V8's default for a large heap (semi-spaces of 16 MB) is most
 * of a worker's resident memory; a snapshot's garbage is short-lived and fits in less.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 24 };

/** What one file's conversion needs; structured-clonable, so it crosses to a worker. */
interface FileJob {
  file: string;
  outDir: string;
  snapshotDate: string | undefined;
  maxRawBytes: number | undefined;
}

/**
 * Transforms each file on its own; a bad file is reported and the others still run. Results
 * come in the order of `files`.
 * @throws {UsageError} When `snapshotDate` is not a calendar date as `YYYY-MM-DD`.
 * @throws {Error} When a worker cannot be started.
 */
export async function transformFiles(
  files: string[],
  options: TransformFilesOptions,
): Promise<FileResult[]> {
  const snapshotDate = parseDateFlag(options.snapshotDate, "date");
  const results: (FileResult | undefined)[] = refuseSharedNames(files);
  const pending = files.flatMap((file, index) => (results[index] ? [] : [index]));
  const jobFor = (index: number): FileJob => ({
    file: files[index]!,
    outDir: options.outDir,
    snapshotDate,
    maxRawBytes: options.maxRawBytes,
  });
  if (options.workerScript && pending.length > 1) {
    const threads = Math.min(options.threads ?? availableParallelism(), pending.length);
    await runInWorkers(options.workerScript, threads, pending, jobFor, results);
  } else {
    for (const index of pending) results[index] = await transformFile(jobFor(index));
  }
  return results as FileResult[];
}

/**
 * Output files are named after the input's file name: two inputs with one name would overwrite
 * each other's tables, so every file after the first of a name fails.
 */
function refuseSharedNames(files: string[]): (FileResult | undefined)[] {
  return earlierFilesOfTheSameName(files, snapshotNameFor).map((owner, index) =>
    owner === undefined
      ? undefined
      : {
          file: files[index]!,
          ok: false,
          error: `has the same file name as ${owner}; its tables would overwrite that file's`,
        },
  );
}

async function transformFile(job: FileJob): Promise<FileResult> {
  const { file } = job;
  try {
    const maxRawBytes =
      job.maxRawBytes ?? maxRawObjectBytes(process.env, getHeapStatistics().heap_size_limit);
    const { size, mtime } = await stat(file);
    if (size > maxRawBytes) {
      throw new Error(
        `is ${(size / 2 ** 20).toFixed(1)} MiB, more than the ${(maxRawBytes / 2 ** 20).toFixed(1)} MiB ` +
          `this process can transform (${MAX_RAW_OBJECT_BYTES_ENV}=${maxRawBytes}); give node a larger heap ` +
          `(NODE_OPTIONS=--max-old-space-size=MB) and set ${MAX_RAW_OBJECT_BYTES_ENV} to match`,
      );
    }
    const lastModified = job.snapshotDate ? new Date(`${job.snapshotDate}T00:00:00Z`) : mtime;
    // A chart export's date is in its name; --date is only for JSON files that do not say.
    const snapshot = (await tablesOfRawObject(
      file,
      async () => ({ body: await readFile(file), lastModified }),
      { name: "the file" },
    ))!;
    const outputs: string[] = [];
    const rows: FileSummary["rows"] = {};
    for (const table of LAKE_TABLE_NAMES) {
      const tableRows = snapshot.tables[table];
      if (tableRows === undefined) continue;
      const output = path.join(job.outDir, transformedKeyFor(table, snapshot.snapshotDate, file));
      await mkdir(path.dirname(output), { recursive: true });
      await writeFile(output, encodeTable(table, tableRows));
      outputs.push(output);
      rows[table] = tableRows.length;
    }
    const summary = { snapshotDate: snapshot.snapshotDate, rows, skipped: snapshot.skipped };
    return { file, ok: true, summary, outputs };
  } catch (error) {
    return { file, ok: false, error: (error as Error).message };
  }
}

/**
 * Converts the files in `threads` lanes: this thread and `threads - 1` workers, the next file
 * to whichever lane is free first (this thread works too: a worker is a whole V8 isolate, tens
 * of MB). A worker that dies (V8 out of memory on a file under the cap, say) fails its file
 * alone; a new worker takes the rest.
 */
async function runInWorkers(
  script: URL,
  threads: number,
  pending: number[],
  jobFor: (index: number) => FileJob,
  results: (FileResult | undefined)[],
): Promise<void> {
  let next = 0;
  const take = () => (next < pending.length ? pending[next++] : undefined);
  const ownLane = async () => {
    for (let index = take(); index !== undefined; index = take()) {
      results[index] = await transformFile(jobFor(index));
    }
  };
  const workerLane = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(script, { resourceLimits: WORKER_LIMITS });
      let current: number | undefined;
      const feed = () => {
        current = take();
        if (current === undefined) void worker.terminate();
        else worker.postMessage(jobFor(current));
      };
      const failCurrent = (why: string) => {
        if (current === undefined) return;
        results[current] = { file: jobFor(current).file, ok: false, error: why };
        current = undefined;
      };
      worker.on("message", (result: FileResult) => {
        results[current!] = result;
        feed();
      });
      worker.on("error", (error) => {
        if (current === undefined) reject(error);
        failCurrent(`ended the worker converting it: ${error.message}`);
      });
      worker.on("exit", () => {
        failCurrent("ended the worker converting it");
        if (next < pending.length) workerLane().then(resolve, reject);
        else resolve();
      });
      feed();
    });
  const workers = Array.from({ length: threads - 1 }, workerLane);
  await Promise.all([ownLane(), ...workers]);
}

/** Converts the files a {@link transformFiles} caller posts to this worker thread, one at a time. */
export function serveTransformWorker(): void {
  parentPort!.on("message", (job: FileJob) => {
    void transformFile(job).then((result) => parentPort!.postMessage(result));
  });
}
