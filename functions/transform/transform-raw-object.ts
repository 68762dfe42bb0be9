/**
 * What happens to one raw object: read, normalise, write every table, then move the raw
 * object to `processed/`. Storage is behind {@link LakeStore}, so this runs the same against
 * S3, the emulator or a test double.
 */
import {
  TABLE_NAMES,
  type TableName,
  perTable,
  isRawToProcessKey,
  processedKeyFor,
  transformedKeyFor,
  RAW_SUFFIXES,
  RAW_TO_PROCESS_PREFIX,
} from "../shared/s3-layout";
import { TableWriteError, UnprocessableObjectError } from "./errors";
import {
  cutMarketLists,
  normalizeSnapshot,
  parseSnapshotText,
  type NormalizedSnapshot,
} from "./normalize-snapshot";
import { encodeTable } from "./parquet";
import { decodeRawText } from "./raw-text";

/** A raw object's content and the date it stands for when its content carries none. */
export interface RawObject {
  /** The object's bytes, decoded by {@link decodeRawText}. */
  body: Uint8Array;
  /** LastModified, or the snapshot date pinned in the object's metadata by `make reprocess`. */
  lastModified: Date;
}

/** The storage the transform needs. */
export interface LakeStore {
  /**
   * The object, or undefined when there is no such key.
   * @throws {UnprocessableObjectError} When it holds more than `maxBytes`, before its body is read.
   */
  read(key: string, options?: { maxBytes?: number }): Promise<RawObject | undefined>;
  exists(key: string): Promise<boolean>;
  /**
   * Writes the object. `versionId` is the version this write created (S3's `x-amz-version-id`);
   * undefined when the bucket is not versioned.
   */
  write(key: string, body: Uint8Array, contentType: string): Promise<{ versionId?: string }>;
  /**
   * Deletes one version of an object: what another writer put there since (or before) stays,
   * and becomes the object again if this version was the latest.
   */
  removeVersion(key: string, versionId: string): Promise<void>;
  /** Copies the object to `toKey`, then deletes `fromKey`. */
  move(fromKey: string, toKey: string): Promise<void>;
}

/** What a transformed snapshot held: its rows are in the Parquet files, not kept here. */
export interface SnapshotSummary {
  shape: NormalizedSnapshot["shape"];
  /** `YYYY-MM-DD`, UTC: the partition the outputs went to. */
  snapshotDate: string;
  rows: Record<TableName, number>;
  skipped: NormalizedSnapshot["skipped"];
}

/** What became of a raw object. */
export type TransformOutcome =
  | {
      status: "transformed";
      summary: SnapshotSummary;
      outputKeys: string[];
      processedKey: string;
    }
  | { status: "already_processed"; processedKey: string };

/** The Content-Type of every Parquet file the transform writes. */
export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/** Options of {@link transformRawObject}. */
export interface TransformOptions {
  /** The largest raw object to read (MAX_RAW_OBJECT_BYTES); default: no limit. */
  maxRawBytes?: number;
}

/**
 * Refuses a key the transform must not take (DESIGN.md, "Event handling"): one outside
 * `raw_data/to_process/`, nested below it, not named `.json` or `.csv`, or whose name starts
 * with `_` or `.`, which would name output files that Athena skips without a word.
 * @throws {UnprocessableObjectError} Saying what is wrong with the key and what to do.
 */
export function assertTransformableKey(rawKey: string): void {
  if (!isRawToProcessKey(rawKey)) {
    throw new UnprocessableObjectError(
      `object key ${JSON.stringify(rawKey)} is not under ${RAW_TO_PROCESS_PREFIX}; check the bucket notification's prefix filter`,
    );
  }
  const name = rawKey.slice(RAW_TO_PROCESS_PREFIX.length);
  if (name.includes("/")) {
    throw new UnprocessableObjectError(
      `raw snapshots must sit directly under ${RAW_TO_PROCESS_PREFIX} (found ${rawKey}): output files are ` +
        "named after the file name alone, so nested files would overwrite each other's tables; move it up",
    );
  }
  if (!RAW_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    throw new UnprocessableObjectError(
      `${rawKey} is neither a .json snapshot nor a .csv chart export; only those are transformed`,
    );
  }
  if (name.startsWith("_") || name.startsWith(".")) {
    throw new UnprocessableObjectError(
      `${rawKey}: its Parquet files would be named ${name.replace(/\.[a-z]+$/, "")}.parquet, and Athena silently ` +
        "ignores files whose names start with _ or . (it treats them as hidden); rename it and upload it again",
    );
  }
}

/**
 * Transforms one `raw_data/to_process/` object. Outputs are written before the raw object
 * moves, so a failure at any step leaves it where it was; a redelivery for an object that
 * is already in `processed/` (and no longer in `to_process/`) succeeds without writing.
 * @throws {UnprocessableObjectError} For a key {@link assertTransformableKey} refuses, an
 *   object too large to read, or one that exists neither in `to_process/` nor `processed/`.
 * @throws {InvalidSnapshotError} When the object is not UTF-8 or not a playlist.
 * @throws {TableWriteError} When a table could not be written; this attempt's other tables
 *   are removed by version, never another delivery's.
 */
export async function transformRawObject(
  rawKey: string,
  store: LakeStore,
  options: TransformOptions = {},
): Promise<TransformOutcome> {
  assertTransformableKey(rawKey);
  const processedKey = processedKeyFor(rawKey);
  const converted = await readAsParquet(rawKey, store, options);
  if (!converted) {
    if (await store.exists(processedKey)) return { status: "already_processed", processedKey };
    throw new UnprocessableObjectError(
      `raw object ${rawKey} exists neither in to_process/ nor as ${processedKey}`,
    );
  }

  const { summary, files } = converted;
  const outputKeys = TABLE_NAMES.map((table) =>
    transformedKeyFor(table, summary.snapshotDate, rawKey),
  );
  const writes = await Promise.allSettled(
    TABLE_NAMES.map((table, i) => store.write(outputKeys[i]!, files[table], PARQUET_CONTENT_TYPE)),
  );
  const failedIndex = writes.findIndex((write) => write.status === "rejected");
  if (failedIndex !== -1) {
    // All four tables or none: a snapshot that ends in the DLQ must not leave songs without
    // its playlists row for Athena to read. The raw object stays in to_process/.
    const leftBehind = await removeOwnWrites(store, outputKeys, writes);
    const cause = (writes[failedIndex] as PromiseRejectedResult).reason as unknown;
    throw new TableWriteError(
      `could not write ${outputKeys[failedIndex]}: ${(cause as Error)?.message ?? String(cause)}`,
      { cause, leftBehind },
    );
  }
  await store.move(rawKey, processedKey);
  return { status: "transformed", summary, outputKeys, processedKey };
}

/**
 * Deletes the versions this attempt wrote, and only those. Another delivery of the same object
 * writes the same keys; deleting the keys would delete its tables too, after it may already
 * have moved the raw object to `processed/`, where nothing would ever write them again.
 * @returns The outputs left in place, each with why.
 */
async function removeOwnWrites(
  store: LakeStore,
  outputKeys: string[],
  writes: PromiseSettledResult<{ versionId?: string }>[],
): Promise<{ key: string; reason: string }[]> {
  const removals = writes.map(async (write, i) => {
    const key = outputKeys[i]!;
    if (write.status === "rejected") return undefined;
    const { versionId } = write.value;
    if (versionId === undefined) {
      return {
        key,
        reason:
          "the bucket is not versioned, so this attempt's write cannot be told from another " +
          "delivery's; left in place (a retry writes the same content over it)",
      };
    }
    try {
      await store.removeVersion(key, versionId);
      return undefined;
    } catch (error) {
      return { key, reason: `deleting version ${versionId} failed: ${(error as Error).message}` };
    }
  });
  return (await Promise.all(removals)).filter((left) => left !== undefined);
}

/**
 * The raw object as one Parquet file per table, with a summary of what it held; undefined when
 * there is no such object. Reading, parsing and normalising end in functions of their own
 * because an async function keeps its locals until it returns: this way the raw text is garbage
 * once parsed, the document once normalised, and the rows once encoded, instead of living until
 * the writes to S3 are done.
 */
async function readAsParquet(
  rawKey: string,
  store: LakeStore,
  options: TransformOptions,
): Promise<{ summary: SnapshotSummary; files: Record<TableName, Uint8Array> } | undefined> {
  const snapshot = await readSnapshot(rawKey, store, options);
  if (!snapshot) return undefined;
  const { shape, snapshotDate, tables, skipped } = snapshot;
  return {
    summary: { shape, snapshotDate, skipped, rows: perTable((table) => tables[table].length) },
    files: perTable((table) => encodeTable(table, tables[table])),
  };
}

async function readSnapshot(
  rawKey: string,
  store: LakeStore,
  options: TransformOptions,
): Promise<NormalizedSnapshot | undefined> {
  const read = await readDocument(rawKey, store, options);
  if (!read) return undefined;
  return normalizeSnapshot(read.document, { key: rawKey, lastModified: read.lastModified });
}

/**
 * The raw object parsed, in a function of its own so that its text is garbage before the
 * document is normalised: 80 MB as a string for a 10,000-entry playlist, whose peak this
 * lowers by about 40 MB in most runs (docs/BENCHMARKS.md).
 */
async function readDocument(
  rawKey: string,
  store: LakeStore,
  options: TransformOptions,
): Promise<{ document: unknown; lastModified: Date } | undefined> {
  const raw = await store.read(rawKey, { maxBytes: options.maxRawBytes });
  if (!raw) return undefined;
  return {
    document: parseSnapshotText(cutMarketLists(decodeRawText(raw.body, rawKey)), rawKey),
    lastModified: raw.lastModified,
  };
}
