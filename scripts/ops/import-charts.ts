/**
 * `make import-charts`: puts Spotify Charts CSV exports into `raw_data/to_process/`, where the
 * S3 notification hands each to the transform (docs/DESIGN.md, "Chart files", "Operator commands").
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  CHART_SUFFIX,
  processedKeyFor,
  RAW_PROCESSED_PREFIX,
  RAW_TO_PROCESS_PREFIX,
  TRANSFORMED_PREFIX,
} from "../../functions/shared/s3-layout";
import { headObjectIfExists } from "../../functions/shared/s3-objects";
import { parseChartFileName } from "../../functions/transform/chart-csv";
import { earlierFilesOfTheSameName, expandInputs } from "../lib/input-files";
import { UsageError } from "./cli";
import type { ProgressReporter } from "./progress";

/** One file to import, and the raw key it goes to (in the local lake: `processed/`'s). */
export interface ChartUpload {
  file: string;
  key: string;
}

/** What an import did. */
export interface ChartImportResult {
  uploaded: ChartUpload[];
  /** Files already in `processed/`, left alone (pass `force` to upload them again). */
  skipped: ChartUpload[];
  /** Files the local lake's converter refused, each with why (a bucket's refusal throws). */
  failed: (ChartUpload & { error: string })[];
}

/** How an import changes its destination: the deployed bucket, or the local lake on disk. */
interface ChartDestination {
  /** Whether the file is already in `raw_data/processed/`. */
  isProcessed(upload: ChartUpload): Promise<boolean>;
  /** Puts the file in; a message it returns fails that file alone. */
  put(upload: ChartUpload): Promise<string | undefined>;
}

/** Options of both imports. */
export interface ChartImportOptions {
  /** Send files already in `processed/` again. */
  force?: boolean;
  progress?: ProgressReporter;
}

/**
 * The files to import: named files as given, and the `.csv` files directly inside named folders.
 * @throws {UsageError} When any file's name is not a chart export's, or two files share a name,
 *   naming each one and why, so that nothing is uploaded from a half-right list.
 */
export async function chartUploadsFor(inputs: string[]): Promise<ChartUpload[]> {
  const files = await expandInputs(inputs, [CHART_SUFFIX]);
  const refused = files.flatMap((file) => {
    try {
      parseChartFileName(file);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
  if (refused.length > 0) {
    throw new UsageError(
      `nothing uploaded: ${refused.length} file(s) are not named like Spotify Charts exports ` +
        `(keep the name charts.spotify.com gave the download):\n  ${refused.join("\n  ")}`,
    );
  }
  if (files.length === 0) throw new UsageError("no chart files (.csv) in what was given");
  // The key is the file name alone: a second file of one name would overwrite the first's upload.
  const clashes = earlierFilesOfTheSameName(files).flatMap((owner, index) =>
    owner === undefined ? [] : [`${files[index]} has the same file name as ${owner}`],
  );
  if (clashes.length > 0) {
    throw new UsageError(
      `nothing uploaded: ${clashes.length} file(s) would overwrite another's upload to ` +
        `${RAW_TO_PROCESS_PREFIX}; give each chart file once:\n  ${clashes.join("\n  ")}`,
    );
  }
  return files.map((file) => ({ file, key: RAW_TO_PROCESS_PREFIX + path.basename(file) }));
}

/** The one import loop of both destinations: skip what is processed unless forced, with progress. */
async function importInto(
  destination: ChartDestination,
  uploads: ChartUpload[],
  options: ChartImportOptions,
): Promise<ChartImportResult> {
  const result: ChartImportResult = { uploaded: [], skipped: [], failed: [] };
  for (const [index, upload] of uploads.entries()) {
    if (!options.force && (await destination.isProcessed(upload))) {
      result.skipped.push(upload);
    } else {
      const error = await destination.put(upload);
      if (error === undefined) result.uploaded.push(upload);
      else result.failed.push({ ...upload, error });
    }
    options.progress?.update(index + 1, uploads.length);
  }
  options.progress?.finish();
  return result;
}

/**
 * Uploads chart exports to the bucket's `raw_data/to_process/`, skipping those already in
 * `processed/` unless `force`.
 * @throws {UsageError} As {@link chartUploadsFor}, before any upload.
 * @throws {Error} When S3 refuses a request; the files before it are uploaded.
 */
export async function importCharts(
  s3: S3Client,
  bucket: string,
  inputs: string[],
  options: ChartImportOptions = {},
): Promise<ChartImportResult> {
  const uploads = await chartUploadsFor(inputs);
  return importInto(
    {
      isProcessed: async ({ key }) =>
        Boolean(await headObjectIfExists(s3, bucket, processedKeyFor(key))),
      put: async ({ file, key }) => {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: await readFile(file),
            ContentType: "text/csv",
          }),
        );
        return undefined;
      },
    },
    uploads,
    options,
  );
}

/**
 * Converts chart exports straight into a local lake (`make import-charts TARGET=local`): no
 * queue runs there after `make demo`, so the files go through the converter instead, and each
 * converted file is copied to `<lake>/raw_data/processed/` as the transform would move it;
 * files already there are skipped unless `force`.
 * @throws {UsageError} As {@link chartUploadsFor}, before anything is converted.
 * @throws {Error} When a converted file cannot be copied into the lake.
 */
export async function importChartsIntoLake(
  inputs: string[],
  lakeDir: string,
  options: ChartImportOptions = {},
): Promise<ChartImportResult> {
  const uploads = (await chartUploadsFor(inputs)).map(({ file, key }) => ({
    file,
    key: processedKeyFor(key),
  }));
  // Loaded only here: the converter (Parquet encoder, workers) is not needed for a bucket.
  const { transformFiles } = await import("../lib/transform-files");
  return importInto(
    {
      isProcessed: async ({ key }) => existsSync(path.join(lakeDir, key)),
      put: async ({ file, key }) => {
        const [converted] = await transformFiles([file], { outDir: lakeDir });
        if (!converted!.ok) return converted!.error;
        await mkdir(path.dirname(path.join(lakeDir, key)), { recursive: true });
        await copyFile(file, path.join(lakeDir, key));
        return undefined;
      },
    },
    uploads,
    options,
  );
}

/** Where an import went: a deployed bucket, or a local lake's folder (converted on this machine). */
export type ChartImportDestination = { bucket: string } | { lakeDir: string };

/** The command's summary lines. */
export function formatChartImport(
  result: ChartImportResult,
  target: ChartImportDestination,
): string[] {
  const local = "lakeDir" in target;
  const destination = local ? target.lakeDir : `s3://${target.bucket}`;
  return [
    ...result.uploaded.map(({ file, key }) =>
      local
        ? `converted ${file} -> ${destination}/${TRANSFORMED_PREFIX}, copied to ${destination}/${key}`
        : `uploaded ${file} -> ${destination}/${key}`,
    ),
    ...result.skipped.map(
      ({ file }) =>
        `skipped  ${file}: already in ${RAW_PROCESSED_PREFIX} ` +
        `(pass --force to ${local ? "convert" : "send"} it again)`,
    ),
    ...result.failed.map(({ file, error }) => `FAIL     ${file}: ${error}`),
    `${result.uploaded.length} ${local ? "converted" : "uploaded"}, ${result.skipped.length} skipped` +
      (result.failed.length > 0 ? `, ${result.failed.length} failed` : ""),
  ];
}
