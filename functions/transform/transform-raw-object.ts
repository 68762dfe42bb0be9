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
  RAW_TO_PROCESS_PREFIX,
} from "../shared/s3-layout";
import {
  cutMarketLists,
  normalizeSnapshot,
  parseSnapshotText,
  type NormalizedSnapshot,
} from "./normalize-snapshot";
import { encodeTable } from "./parquet";

/** A raw object's content and the date it stands for when its content carries none. */
export interface RawObject {
  body: string;
  /** LastModified, or the snapshot date pinned in the object's metadata by `make reprocess`. */
  lastModified: Date;
}

/** The storage the transform needs. */
export interface LakeStore {
  /** The object, or undefined when there is no such key. */
  read(key: string): Promise<RawObject | undefined>;
  exists(key: string): Promise<boolean>;
  write(key: string, body: Uint8Array, contentType: string): Promise<void>;
  remove(key: string): Promise<void>;
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

/** A raw object that cannot be transformed as it is; retrying will not help. */
export class UnprocessableObjectError extends Error {
  override name = "UnprocessableObjectError";
}

/** The Content-Type of every Parquet file the transform writes. */
export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/**
 * Transforms one `raw_data/to_process/` object. Outputs are written before the raw object
 * moves, so a failure at any step leaves it where it was; a redelivery for an object that
 * is already in `processed/` (and no longer in `to_process/`) succeeds without writing.
 */
export async function transformRawObject(
  rawKey: string,
  store: LakeStore,
): Promise<TransformOutcome> {
  if (!isRawToProcessKey(rawKey)) {
    throw new UnprocessableObjectError(
      `object key ${JSON.stringify(rawKey)} is not under ${RAW_TO_PROCESS_PREFIX}; check the bucket notification's prefix filter`,
    );
  }
  if (rawKey.slice(RAW_TO_PROCESS_PREFIX.length).includes("/")) {
    throw new UnprocessableObjectError(
      `raw snapshots must sit directly under ${RAW_TO_PROCESS_PREFIX} (found ${rawKey}): output files are ` +
        "named after the file name alone, so nested files would overwrite each other's tables; move it up",
    );
  }
  const processedKey = processedKeyFor(rawKey);
  const converted = await readAsParquet(rawKey, store);
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
  const failedWrite = writes.find((write) => write.status === "rejected");
  if (failedWrite) {
    // All four tables or none: a snapshot that ends in the DLQ must not leave songs without
    // its playlists row for Athena to read. The raw object stays in to_process/.
    await Promise.allSettled(
      outputKeys
        .filter((_, i) => writes[i]!.status === "fulfilled")
        .map((key) => store.remove(key)),
    );
    throw failedWrite.reason;
  }
  await store.move(rawKey, processedKey);
  return { status: "transformed", summary, outputKeys, processedKey };
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
): Promise<{ summary: SnapshotSummary; files: Record<TableName, Uint8Array> } | undefined> {
  const snapshot = await readSnapshot(rawKey, store);
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
): Promise<NormalizedSnapshot | undefined> {
  const read = await readDocument(rawKey, store);
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
): Promise<{ document: unknown; lastModified: Date } | undefined> {
  const raw = await store.read(rawKey);
  if (!raw) return undefined;
  return {
    document: parseSnapshotText(cutMarketLists(raw.body), rawKey),
    lastModified: raw.lastModified,
  };
}
