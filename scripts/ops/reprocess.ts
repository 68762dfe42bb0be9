/**
 * `make reprocess`: sends raw snapshots through the transform again (after a transform fix or
 * a schema change) by moving them from `raw_data/processed/` back to `raw_data/to_process/`.
 * The copy raises the S3 notification that queues the snapshot; the transform's outputs are a
 * pure function of the raw key, so a reprocessed snapshot overwrites its Parquet files and
 * never duplicates them.
 *
 * Order per object: copy to `to_process/`, then delete the `processed/` copy if it is still the
 * version copied. The transform treats an object in `to_process/` as work to do and one only in
 * `processed/` as done, so a failure between the two steps leaves the snapshot queued for work,
 * never lost.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  type HeadObjectCommandOutput,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { parseChartFileName } from "../../functions/transform/chart-csv";
import { InvalidChartFileError } from "../../functions/transform/errors";
import {
  CHART_SUFFIX,
  extractedAtFromRawName,
  processedKeyFor,
  RAW_PROCESSED_PREFIX,
  RAW_SUFFIX,
  RAW_SUFFIXES,
  RAW_TO_PROCESS_PREFIX,
  SNAPSHOT_DATE_METADATA,
  toProcessKeyFor,
} from "../../functions/shared/s3-layout";
import { copySourceFor, headObjectIfExists } from "../../functions/shared/s3-objects";
import { errorText, EXIT, parseDateFlag, parseFlags, requireFlag, UsageError } from "./cli";
import type { ProgressReporter } from "./progress";

/** Which snapshots to reprocess. */
export interface ReprocessOptions {
  bucket: string;
  /** First snapshot date included, `YYYY-MM-DD` (UTC). */
  from?: string;
  /** Last snapshot date included, `YYYY-MM-DD` (UTC). */
  to?: string;
  /** One snapshot, by key or name (then no date range). */
  key?: string;
  /** Every processed snapshot (required when there is neither a range nor a key). */
  all?: boolean;
  dryRun: boolean;
  /** Objects moved at the same time. */
  concurrency?: number;
}

/** What {@link reprocessSnapshots} needs from outside. */
export interface ReprocessDeps {
  s3: S3Client;
  progress: ProgressReporter;
  log: (line: string) => void;
}

/** A processed snapshot chosen for reprocessing. */
export interface SelectedSnapshot {
  processedKey: string;
  toProcessKey: string;
  /** Its snapshot date, `YYYY-MM-DD`. */
  snapshotDate: string;
  /** Where the date came from: the object's name, or its LastModified. */
  datedBy: "name" | "pinned" | "last-modified";
  /**
   * Set for a name without a date: its content type and metadata from the selection's HEAD,
   * which the copy keeps (with the snapshot date pinned) without a second HEAD.
   */
  headers?: { contentType: string | undefined; metadata: Record<string, string> | undefined };
}

/** What a reprocess run did. */
export interface ReprocessResult {
  dryRun: boolean;
  selected: SelectedSnapshot[];
  /** Keys now in `raw_data/to_process/` (empty on a dry run). */
  moved: string[];
  failed: { processedKey: string; error: string }[];
  /**
   * Processed objects looked at and left out: outside the range, neither `.json` nor `.csv`, or a
   * `.csv` not named like a chart export.
   */
  skipped: number;
}

export const REPROCESS_USAGE = `Usage: make reprocess FROM=YYYY-MM-DD TO=YYYY-MM-DD   (or KEY=name, ARGS="--dry-run")
       npm run reprocess -- --bucket B [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--key K] [--all] [--dry-run]
  --bucket B     the data lake bucket (make reprocess fills it from Terraform)
  --from DATE    first snapshot date to reprocess (UTC, inclusive)
  --to DATE      last snapshot date to reprocess (UTC, inclusive)
  --key K        one snapshot: raw_data/processed/<name>.json (or a chart's .csv), or just <name>.json
  --all          every processed snapshot (needed when neither a date nor a key is given)
  --dry-run      list what would move; nothing moves
A snapshot's date is the extraction time in its name (a chart export's: the date in its name),
or else the object's LastModified (UTC).`;

/** Reads the reprocess command line; throws {@link UsageError} on mistakes. */
export function parseReprocessArgs(argv: string[]): ReprocessOptions | "help" {
  const { values, positionals } = parseFlags(
    argv,
    {
      bucket: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      key: { type: "string" },
      all: { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    REPROCESS_USAGE,
  );
  if (values.help) return "help";
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]}\n\n${REPROCESS_USAGE}`);
  }
  const from = parseDateFlag(values.from, "from");
  const to = parseDateFlag(values.to, "to");
  const key = values.key?.trim() || undefined;
  const all = values.all ?? false;
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (key && (from || to || all)) {
    throw new UsageError("--key names one snapshot: do not combine it with --from, --to or --all");
  }
  if (!key && !from && !to && !all) {
    throw new UsageError(
      `Say which snapshots to reprocess: --from/--to dates, --key, or --all for every one.\n\n${REPROCESS_USAGE}`,
    );
  }
  return {
    bucket: requireFlag(values.bucket, "bucket", "data_bucket_name"),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(key ? { key } : {}),
    ...(all ? { all } : {}),
    dryRun: values["dry-run"] ?? false,
  };
}

/**
 * The snapshot date a raw object's name carries, as the transform reads it: a chart export's
 * date, or a snapshot's extraction day; undefined for names from older pipelines.
 * @throws {InvalidChartFileError} For a `.csv` not named like a chart export.
 */
function dateInName(key: string): string | undefined {
  if (key.endsWith(CHART_SUFFIX)) return parseChartFileName(key).date;
  return extractedAtFromRawName(key)?.toISOString().slice(0, 10);
}

/**
 * A processed snapshot's date: the date its name carries; else the date an earlier
 * reprocess pinned in its metadata (its LastModified is then the reprocess day, and dating by
 * it would move the snapshot to another partition); else the UTC date of its LastModified
 * (names from older pipelines carry none).
 */
function snapshotDateOf(
  key: string,
  lastModified: Date | undefined,
  metadata?: Record<string, string>,
): Pick<SelectedSnapshot, "snapshotDate" | "datedBy"> {
  const fromName = dateInName(key);
  if (fromName) return { snapshotDate: fromName, datedBy: "name" };
  const pinned = metadata?.[SNAPSHOT_DATE_METADATA];
  if (pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned))
    return { snapshotDate: pinned, datedBy: "pinned" };
  if (!lastModified)
    throw new Error(`S3 gave no LastModified for ${key}, and its name has no date`);
  return { snapshotDate: lastModified.toISOString().slice(0, 10), datedBy: "last-modified" };
}

/**
 * The `raw_data/processed/` key the operator means by `--key`: a processed key, a
 * `to_process/` key (its processed twin), or a bare object name.
 */
function processedKeyFromArgument(key: string): string {
  if (key.startsWith(RAW_PROCESSED_PREFIX)) return key;
  if (key.startsWith(RAW_TO_PROCESS_PREFIX)) return processedKeyFor(key);
  if (!key.includes("/")) return processedKeyFor(RAW_TO_PROCESS_PREFIX + key);
  throw new UsageError(
    `--key ${key} is not under ${RAW_PROCESSED_PREFIX}; pass ${RAW_PROCESSED_PREFIX}<name>${RAW_SUFFIX} or just <name>${RAW_SUFFIX}`,
  );
}

/** Selects processed snapshots and (unless a dry run) moves them back to `to_process/`. */
export async function reprocessSnapshots(
  options: ReprocessOptions,
  deps: ReprocessDeps,
): Promise<ReprocessResult> {
  const { selected, skipped } = options.key
    ? { selected: [await selectOne(deps.s3, options.bucket, options.key)], skipped: 0 }
    : await selectRange(deps.s3, options);
  if (options.dryRun || selected.length === 0) {
    return { dryRun: options.dryRun, selected, moved: [], failed: [], skipped };
  }

  deps.log(
    `Moving ${selected.length} snapshot(s) from ${RAW_PROCESSED_PREFIX} to ${RAW_TO_PROCESS_PREFIX} in s3://${options.bucket}`,
  );
  const moved: string[] = [];
  const failed: ReprocessResult["failed"] = [];
  let done = 0;
  deps.progress.update(0, selected.length);
  const queue = [...selected];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await moveBack(deps.s3, options.bucket, next);
        moved.push(next.toProcessKey);
      } catch (error) {
        failed.push({ processedKey: next.processedKey, error: errorText(error) });
      }
      done += 1;
      deps.progress.update(
        done,
        selected.length,
        failed.length ? `(${failed.length} failed)` : undefined,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    deps.progress.finish();
  }
  return { dryRun: false, selected, moved: moved.sort(), failed, skipped };
}

async function selectOne(s3: S3Client, bucket: string, key: string): Promise<SelectedSnapshot> {
  const processedKey = processedKeyFromArgument(key);
  const toProcessKey = toProcessKeyFor(processedKey);
  const head = await headObjectIfExists(s3, bucket, processedKey);
  if (!head) {
    if (await headObjectIfExists(s3, bucket, toProcessKey)) {
      throw new UsageError(
        `s3://${bucket}/${processedKey} does not exist, but s3://${bucket}/${toProcessKey} does: ` +
          "the snapshot is already waiting for the transform (see `make logs FN=transform` and the DLQ).",
      );
    }
    throw new UsageError(
      `No snapshot s3://${bucket}/${processedKey}. List them with ` +
        `\`aws s3 ls s3://${bucket}/${RAW_PROCESSED_PREFIX}\`, or use --from/--to.`,
    );
  }
  const dated = snapshotDateOf(processedKey, head.LastModified, head.Metadata);
  return {
    processedKey,
    toProcessKey,
    ...dated,
    ...(dated.datedBy !== "name" && { headers: headersOf(head) }),
  };
}

async function selectRange(
  s3: S3Client,
  options: ReprocessOptions,
): Promise<{ selected: SelectedSnapshot[]; skipped: number }> {
  const selected: SelectedSnapshot[] = [];
  let skipped = 0;
  const pages = paginateListObjectsV2(
    { client: s3 },
    { Bucket: options.bucket, Prefix: RAW_PROCESSED_PREFIX },
  );
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? "";
      // Only what the transform's notifications would pick up again (a `.json` or `.csv` name).
      if (!RAW_SUFFIXES.some((suffix) => key.endsWith(suffix))) {
        skipped += 1;
        continue;
      }
      let nameDate: string | undefined;
      try {
        nameDate = dateInName(key);
      } catch (error) {
        if (!(error instanceof InvalidChartFileError)) throw error;
        skipped += 1; // a stray `.csv`, not a chart export: the transform would refuse it
        continue;
      }
      // A listing carries no metadata: an undated name needs a HEAD for a pinned date.
      const head = nameDate ? undefined : await headObjectIfExists(s3, options.bucket, key);
      const dated = snapshotDateOf(key, object.LastModified, head?.Metadata);
      if (
        (options.from && dated.snapshotDate < options.from) ||
        (options.to && dated.snapshotDate > options.to)
      ) {
        skipped += 1;
        continue;
      }
      selected.push({
        processedKey: key,
        toProcessKey: toProcessKeyFor(key),
        ...dated,
        ...(head && { headers: headersOf(head) }),
      });
    }
  }
  selected.sort(
    (a, b) =>
      a.snapshotDate.localeCompare(b.snapshotDate) || a.processedKey.localeCompare(b.processedKey),
  );
  return { selected, skipped };
}

function headersOf(head: HeadObjectCommandOutput): NonNullable<SelectedSnapshot["headers"]> {
  return { contentType: head.ContentType, metadata: head.Metadata };
}

/**
 * Copy to `to_process/` (raising the notification), then delete `processed/`'s copy by key, as
 * long as it is still the version that was copied (unversioned: at once).
 * @throws {Error} Any S3 error; the snapshot is then in `to_process/` and maybe `processed/` too.
 */
async function moveBack(s3: S3Client, bucket: string, snapshot: SelectedSnapshot): Promise<void> {
  const copySource = copySourceFor(bucket, snapshot.processedKey);
  const { CopySourceVersionId } = await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: snapshot.toProcessKey,
      CopySource: copySource,
      // Keep the snapshot date the copy's new LastModified would change (see SNAPSHOT_DATE_METADATA).
      ...(snapshot.headers && {
        MetadataDirective: "REPLACE",
        ContentType: snapshot.headers.contentType,
        Metadata: { ...snapshot.headers.metadata, [SNAPSHOT_DATE_METADATA]: snapshot.snapshotDate },
      }),
    }),
  );
  // Versioned: delete only while the copied version is still the current one. After the copy the
  // transform may already have moved the copy back as a newer version, which must stay. The
  // delete leaves a marker, so no version (an older import of a chart, say) is lost or comes back.
  if (CopySourceVersionId) {
    const current = await headObjectIfExists(s3, bucket, snapshot.processedKey);
    if (current?.VersionId !== CopySourceVersionId) return;
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: snapshot.processedKey }));
}

/** The report printed after a reprocess run (stdout), and the command's exit code. */
export function formatReprocessResult(
  result: ReprocessResult,
  bucket: string,
): { lines: string[]; exitCode: number } {
  const lines: string[] = [];
  if (result.dryRun) {
    lines.push(
      `Dry run: nothing moved. ${result.selected.length} snapshot(s) would be reprocessed:`,
    );
    for (const snapshot of result.selected) {
      const dated =
        snapshot.datedBy === "name"
          ? ""
          : snapshot.datedBy === "pinned"
            ? " (dated by its pinned snapshot date)"
            : " (dated by LastModified)";
      lines.push(
        `  ${snapshot.snapshotDate}  s3://${bucket}/${snapshot.processedKey} -> ${snapshot.toProcessKey}${dated}`,
      );
    }
  } else if (result.selected.length === 0) {
    lines.push("No processed snapshot matches; nothing moved.");
  } else {
    lines.push(
      `Reprocess: moved ${result.moved.length} of ${result.selected.length} snapshot(s) to ` +
        `${RAW_TO_PROCESS_PREFIX}; failed ${result.failed.length}. The transform picks them up from the queue.`,
    );
    for (const failure of result.failed) {
      lines.push(`  not moved: ${failure.processedKey}: ${failure.error}`);
    }
  }
  if (result.skipped > 0) lines.push(`(${result.skipped} other processed object(s) left alone.)`);
  return { lines, exitCode: result.failed.length > 0 ? EXIT.failed : EXIT.ok };
}
