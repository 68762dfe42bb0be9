/**
 * Runs the transform's core on local files (raw snapshots, items pages, playlist objects, the
 * Python tutorials' dumps, Spotify Charts CSV exports) and writes the same
 * `transformed_data/...` layout under a folder.
 */
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { getHeapStatistics } from "node:v8";
import {
  LAKE_TABLE_NAMES,
  RAW_SUFFIXES,
  snapshotNameFor,
  transformedKeyFor,
} from "../../functions/shared/s3-layout";
import { encodeTable } from "../../functions/transform/parquet";
import {
  MAX_RAW_OBJECT_BYTES_ENV,
  maxRawObjectBytes,
} from "../../functions/transform/raw-bytes-budget";
import {
  tablesOfRawObject,
  type RawObjectTables,
} from "../../functions/transform/transform-raw-object";

/** Options of {@link transformFiles}. */
export interface TransformFilesOptions {
  /** Folder that receives `transformed_data/<table>/snapshot_date=.../<name>.parquet`. */
  outDir: string;
  /** `YYYY-MM-DD` for files without `extracted_at`; default: each file's modification date. */
  snapshotDate?: string;
  /**
   * Files larger than this fail alone, before they are read: V8's out-of-memory error would end
   * the process, and the files after it would never run. Default: MAX_RAW_OBJECT_BYTES when
   * set, else what this process's heap fits, as in the handler.
   */
  maxRawBytes?: number;
}

/** What happened to one input file. */
export type FileResult =
  | { file: string; ok: true; snapshot: RawObjectTables; outputs: string[] }
  | { file: string; ok: false; error: string };

/**
 * Expands folders to the `.json` and `.csv` files directly inside them, keeping the given order.
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    if ((await stat(input)).isDirectory()) {
      const names = (await readdir(input))
        .filter((name) => RAW_SUFFIXES.some((suffix) => name.endsWith(suffix)))
        .sort();
      files.push(...names.map((name) => path.join(input, name)));
    } else {
      files.push(input);
    }
  }
  return files;
}

/** Transforms each file on its own; a bad file is reported and the others still run. */
export async function transformFiles(
  files: string[],
  options: TransformFilesOptions,
): Promise<FileResult[]> {
  if (options.snapshotDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.snapshotDate)) {
    throw new Error(`--date must be YYYY-MM-DD, got ${JSON.stringify(options.snapshotDate)}`);
  }
  const maxRawBytes =
    options.maxRawBytes ?? maxRawObjectBytes(process.env, getHeapStatistics().heap_size_limit);
  const results: FileResult[] = [];
  const nameOwners = new Map<string, string>();
  for (const file of files) {
    try {
      // Output files are named after the input's file name: two inputs with one name would
      // overwrite each other's tables.
      const owner = nameOwners.get(snapshotNameFor(file));
      if (owner)
        throw new Error(
          `has the same file name as ${owner}; its tables would overwrite that file's`,
        );
      nameOwners.set(snapshotNameFor(file), file);
      const { size, mtime } = await stat(file);
      if (size > maxRawBytes) {
        throw new Error(
          `is ${(size / 2 ** 20).toFixed(1)} MiB, more than the ${(maxRawBytes / 2 ** 20).toFixed(1)} MiB ` +
            `this process can transform (${MAX_RAW_OBJECT_BYTES_ENV}=${maxRawBytes}); give node a larger heap ` +
            `(NODE_OPTIONS=--max-old-space-size=MB) and set ${MAX_RAW_OBJECT_BYTES_ENV} to match`,
        );
      }
      const lastModified = options.snapshotDate
        ? new Date(`${options.snapshotDate}T00:00:00Z`)
        : mtime;
      // A chart export's date is in its name; --date is only for JSON files that do not say.
      const snapshot = (await tablesOfRawObject(
        file,
        async () => ({ body: await readFile(file), lastModified }),
        { name: "the file" },
      ))!;
      const outputs: string[] = [];
      for (const table of LAKE_TABLE_NAMES) {
        const rows = snapshot.tables[table];
        if (rows === undefined) continue;
        const output = path.join(
          options.outDir,
          transformedKeyFor(table, snapshot.snapshotDate, file),
        );
        await mkdir(path.dirname(output), { recursive: true });
        await writeFile(output, encodeTable(table, rows));
        outputs.push(output);
      }
      results.push({ file, ok: true, snapshot, outputs });
    } catch (error) {
      results.push({ file, ok: false, error: (error as Error).message });
    }
  }
  return results;
}
