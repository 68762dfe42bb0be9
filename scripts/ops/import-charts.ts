/**
 * `make import-charts`: puts Spotify Charts CSV exports into `raw_data/to_process/`, where the
 * S3 notification hands each to the transform (docs/DESIGN.md, "Chart files", "Operator commands").
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  CHART_SUFFIX,
  processedKeyFor,
  RAW_PROCESSED_PREFIX,
  RAW_TO_PROCESS_PREFIX,
} from "../../functions/shared/s3-layout";
import { headObjectIfExists } from "../../functions/shared/s3-objects";
import { parseChartFileName } from "../../functions/transform/chart-csv";
import { earlierFilesOfTheSameName, expandInputs } from "../lib/input-files";
import { UsageError } from "./cli";
import type { ProgressReporter } from "./progress";

/** One file to upload, and the raw key it goes to. */
export interface ChartUpload {
  file: string;
  key: string;
}

/** What an import did. */
export interface ChartImportResult {
  uploaded: ChartUpload[];
  /** Files already in `processed/`, left alone (pass `force` to upload them again). */
  skipped: ChartUpload[];
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
  options: { force?: boolean; progress?: ProgressReporter } = {},
): Promise<ChartImportResult> {
  const uploads = await chartUploadsFor(inputs);
  const result: ChartImportResult = { uploaded: [], skipped: [] };
  for (const upload of uploads) {
    if (!options.force && (await headObjectIfExists(s3, bucket, processedKeyFor(upload.key)))) {
      result.skipped.push(upload);
    } else {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: upload.key,
          Body: await readFile(upload.file),
          ContentType: "text/csv",
        }),
      );
      result.uploaded.push(upload);
    }
    options.progress?.update(result.uploaded.length + result.skipped.length, uploads.length);
  }
  options.progress?.finish();
  return result;
}

/**
 * Converts chart exports straight into a local lake (`make import-charts TARGET=local`): no
 * queue runs there after `make demo`, so the files go through the converter instead.
 * @returns The summary lines, and whether any file failed (each failure is its own line).
 * @throws {UsageError} As {@link chartUploadsFor}, before anything is converted.
 */
export async function importChartsIntoLake(
  inputs: string[],
  lakeDir: string,
): Promise<{ lines: string[]; failed: number }> {
  const uploads = await chartUploadsFor(inputs);
  // Loaded only here: the converter (Parquet encoder, workers) is not needed for a bucket.
  const { transformFiles } = await import("../lib/transform-files");
  const results = await transformFiles(
    uploads.map(({ file }) => file),
    { outDir: lakeDir },
  );
  const failed = results.filter((result) => !result.ok).length;
  return {
    lines: [
      ...results.map((result) =>
        result.ok ? `ok   ${result.file}` : `FAIL ${result.file}: ${result.error}`,
      ),
      `${results.length - failed} chart file(s) in ${lakeDir}, ${failed} failed`,
    ],
    failed,
  };
}

/** The command's summary lines. */
export function formatChartImport(result: ChartImportResult, bucket: string): string[] {
  return [
    ...result.uploaded.map(({ file, key }) => `uploaded ${file} -> s3://${bucket}/${key}`),
    ...result.skipped.map(
      ({ file }) =>
        `skipped  ${file}: already in ${RAW_PROCESSED_PREFIX} (pass --force to send it again)`,
    ),
    `${result.uploaded.length} uploaded, ${result.skipped.length} skipped`,
  ];
}
