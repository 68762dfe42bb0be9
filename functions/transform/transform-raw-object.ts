/**
 * What happens to one raw object: read, normalise (a snapshot) or parse (a chart export), write
 * every table it makes, then move the raw object to `processed/`. Storage is behind
 * {@link LakeStore}, so this runs the same against S3, the emulator or a test double; the
 * command-line converter calls {@link tablesOfRawObject}, the same dispatch.
 */
import { createHash } from "node:crypto";
import {
  CHART_SUFFIX,
  LAKE_TABLE_NAMES,
  type LakeTableName,
  isRawToProcessKey,
  processedKeyFor,
  transformedKeyFor,
  RAW_SUFFIXES,
  RAW_TO_PROCESS_PREFIX,
} from "../shared/s3-layout";
import type { NotifiedObject } from "../shared/s3-event";
import { parseChartCsv } from "./chart-csv";
import { TableWriteError, UnprocessableObjectError } from "./errors";
import {
  cutMarketLists,
  normalizeSnapshot,
  parseSnapshotText,
  SKIP_REASONS,
  type NormalizedSnapshot,
} from "./normalize-snapshot";
import { encodeTable } from "./parquet";
import { tooLargeMessage } from "./raw-bytes-budget";
import { decodeRawText } from "./raw-text";
import type { LakeTables } from "./tables";

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
  /**
   * Copies the object to `toKey`, then deletes `fromKey`.
   * @returns false, moving nothing, when `fromKey` is gone and `toKey` exists: another
   *   delivery of the same key moved it first (what it copied may be a file uploaded since).
   * @throws {Error} When `fromKey` is gone and `toKey` is not there either, or S3 fails.
   */
  move(fromKey: string, toKey: string): Promise<boolean>;
}

/** Which kind of raw file: a snapshot shape (1-3), or a Spotify Charts CSV export (4). */
export type RawShape = NormalizedSnapshot["shape"] | "chart_csv";

/**
 * A raw object's tables: a snapshot's four, or a chart export's `chart_positions` alone (a
 * chart file writes only that table).
 */
export interface RawObjectTables {
  shape: RawShape;
  /** `YYYY-MM-DD`, UTC: the partition the outputs go to. */
  snapshotDate: string;
  tables: Partial<LakeTables>;
  /** Playlist entries skipped, by reason; all zero for a chart export. */
  skipped: NormalizedSnapshot["skipped"];
}

/** What a transformed raw object held: its rows are in the Parquet files, not kept here. */
export interface SnapshotSummary {
  shape: RawShape;
  /** `YYYY-MM-DD`, UTC: the partition the outputs went to. */
  snapshotDate: string;
  /** Rows written, for each table this object wrote. */
  rows: Partial<Record<LakeTableName, number>>;
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
  | {
      status: "already_processed";
      processedKey: string;
      /** Outputs this delivery wrote and could not remove, each with why; absent when none. */
      leftBehind?: { key: string; reason: string }[];
    };

/** The Content-Type of every Parquet file the transform writes. */
export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/** Options of {@link transformRawObject}. */
export interface TransformOptions {
  /** The largest raw object to read (MAX_RAW_OBJECT_BYTES); default: no limit. */
  maxRawBytes?: number;
}

/**
 * Refuses a key the transform must not take (docs/DESIGN.md, "Event handling"): one outside
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
 * Refuses, before any download, a notification the transform must not act on: another
 * bucket's, an event other than `ObjectCreated:*`, a key {@link assertTransformableKey}
 * refuses, or an object larger than `maxRawBytes` (one that cannot fit would kill the batch).
 * @throws {UnprocessableObjectError} Saying what is wrong and what to check.
 */
export function assertTransformableNotification(
  object: NotifiedObject,
  bucket: string,
  maxRawBytes: number,
): void {
  if (object.bucket !== bucket) {
    throw new UnprocessableObjectError(
      `notification is for bucket ${object.bucket}, this function serves ${bucket}`,
    );
  }
  if (!object.eventName.startsWith("ObjectCreated:")) {
    throw new UnprocessableObjectError(
      `event ${object.eventName} is not an ObjectCreated event; only new raw objects are ` +
        "transformed (check the bucket notification's event types)",
    );
  }
  assertTransformableKey(object.key);
  if (object.size !== undefined && object.size > maxRawBytes) {
    throw new UnprocessableObjectError(tooLargeMessage(object.key, object.size, maxRawBytes));
  }
}

/**
 * Transforms one `raw_data/to_process/` object. Outputs are written before the raw object
 * moves, so a failure at any step leaves it where it was; a redelivery for an object that
 * is already in `processed/` (and no longer in `to_process/`) succeeds without writing, and
 * so does one that finds another delivery moved the object while it wrote
 * ({@link afterAnotherDeliveryMoved}).
 * @throws {UnprocessableObjectError} For a key {@link assertTransformableKey} refuses, an
 *   object too large to read, or one that exists neither in `to_process/` nor `processed/`.
 * @throws {InvalidSnapshotError} When the object is not UTF-8 or not a playlist.
 * @throws {InvalidChartFileError} When a `.csv` object breaks the chart export contract.
 * @throws {TableWriteError} When a table could not be written; this attempt's other tables
 *   are removed by version, never another delivery's.
 * @throws {Error} When another delivery moved the object and `processed/` lost it since
 *   (retryable), or S3 fails.
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

  const { summary, files, content } = converted;
  const tables = LAKE_TABLE_NAMES.filter((table) => files[table] !== undefined);
  const outputKeys = tables.map((table) => transformedKeyFor(table, summary.snapshotDate, rawKey));
  const writeAll = () =>
    tables.map((table, i) => store.write(outputKeys[i]!, files[table]!, PARQUET_CONTENT_TYPE));
  const writes = await Promise.allSettled(writeAll());
  const failedIndex = writes.findIndex((write) => write.status === "rejected");
  if (failedIndex !== -1) {
    // All of its tables or none: a snapshot that ends in the DLQ must not leave songs without
    // its playlists row for Athena to read. The raw object stays in to_process/.
    const leftBehind = await removeOwnWrites(store, outputKeys, writes);
    const cause = (writes[failedIndex] as PromiseRejectedResult).reason as unknown;
    throw new TableWriteError(
      `could not write ${outputKeys[failedIndex]}: ${(cause as Error)?.message ?? String(cause)}`,
      { cause, leftBehind },
    );
  }
  if (!(await store.move(rawKey, processedKey))) {
    return afterAnotherDeliveryMoved(store, rawKey, content, {
      outputKeys,
      writes,
      writeAgain: () => Promise.all(writeAll()),
    });
  }
  return { status: "transformed", summary, outputKeys, processedKey };
}

/**
 * Settles a delivery whose move found that another delivery of the same key (a duplicate
 * notification, or one for a file of the same name uploaded again) moved the object first.
 * That delivery copied whatever `to_process/` held when it moved, so `processed/` decides
 * whose tables stay: this delivery's content there means its tables must be the current ones,
 * and another delivery's content there means that one's tables must.
 * @returns already_processed: the delivery that moved the object counted it as transformed,
 *   and one object in `processed/` counts once in SnapshotsTransformed.
 * @throws {Error} When `processed/` no longer holds the object either (retryable, as when
 *   the copy found nothing to copy), or a write fails.
 */
async function afterAnotherDeliveryMoved(
  store: LakeStore,
  rawKey: string,
  read: ContentDigest,
  own: {
    outputKeys: string[];
    writes: PromiseSettledResult<{ versionId?: string }>[];
    writeAgain: () => Promise<unknown>;
  },
): Promise<TransformOutcome> {
  const processedKey = processedKeyFor(rawKey);
  const holdsOwn = await holdsContent(store, processedKey, read);
  if (holdsOwn === undefined) {
    throw new Error(
      `${rawKey} was moved to ${processedKey} by another delivery, which no longer holds it`,
    );
  }
  if (holdsOwn) {
    // A delivery of other content may have written its tables over these since.
    await own.writeAgain();
    return { status: "already_processed", processedKey };
  }
  // The delivery that read what processed/ holds wrote, or is writing, the tables.
  const leftBehind = await removeOwnWrites(store, own.outputKeys, own.writes);
  return {
    status: "already_processed",
    processedKey,
    ...(leftBehind.length > 0 && { leftBehind }),
  };
}

/** What a delivery read, kept as a digest: a raw object may be tens of megabytes. */
interface ContentDigest {
  sha256: string;
  byteLength: number;
}

function digestOf(body: Uint8Array): ContentDigest {
  return { sha256: createHash("sha256").update(body).digest("hex"), byteLength: body.byteLength };
}

/**
 * Whether `key` holds the bytes of `digest`; undefined when there is no such object. A larger
 * object is not read: it cannot hold them, and reading it could exceed the memory budget the
 * first read had.
 */
async function holdsContent(
  store: LakeStore,
  key: string,
  digest: ContentDigest,
): Promise<boolean | undefined> {
  try {
    const object = await store.read(key, { maxBytes: digest.byteLength });
    return object && digestOf(object.body).sha256 === digest.sha256;
  } catch (error) {
    if (error instanceof UnprocessableObjectError) return false;
    throw error;
  }
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
          "delivery's; left in place",
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
 * there is no such object. Encoding ends in a function of its own so that the rows are garbage
 * once encoded, instead of living until the writes to S3 are done.
 */
async function readAsParquet(
  rawKey: string,
  store: LakeStore,
  options: TransformOptions,
): Promise<
  | {
      summary: SnapshotSummary;
      files: Partial<Record<LakeTableName, Uint8Array>>;
      content: ContentDigest;
    }
  | undefined
> {
  let content: ContentDigest | undefined;
  const read = await tablesOfRawObject(rawKey, async () => {
    const raw = await store.read(rawKey, { maxBytes: options.maxRawBytes });
    content = raw && digestOf(raw.body);
    return raw;
  });
  if (!read) return undefined;
  const { shape, snapshotDate, tables, skipped } = read;
  const rows: Partial<Record<LakeTableName, number>> = {};
  const files: Partial<Record<LakeTableName, Uint8Array>> = {};
  for (const table of LAKE_TABLE_NAMES) {
    const tableRows = tables[table];
    if (tableRows === undefined) continue;
    rows[table] = tableRows.length;
    files[table] = encodeTable(table, tableRows);
  }
  return { summary: { shape, snapshotDate, skipped, rows }, files, content: content! };
}

/** Options of {@link tablesOfRawObject}. */
export interface RawObjectSource {
  /** What to call the file in errors; default: its key. */
  name?: string;
}

/**
 * The "which kind of raw file is this" dispatch, shared by the handler and the command-line
 * converter: a `.csv` key is a Spotify Charts export, anything else a JSON snapshot. `load`
 * reads the object when called (undefined: there is none), so that its bytes and text are
 * garbage before the tables are built.
 * @throws {InvalidSnapshotError} When the object is not UTF-8 or not a playlist.
 * @throws {InvalidChartFileError} When a chart export breaks the contract ("Chart files").
 * @throws {UnprocessableObjectError} From `load`, e.g. for an object over the size cap.
 */
export async function tablesOfRawObject(
  rawKey: string,
  load: () => Promise<RawObject | undefined>,
  source: RawObjectSource = {},
): Promise<RawObjectTables | undefined> {
  const name = source.name ?? rawKey;
  if (rawKey.endsWith(CHART_SUFFIX)) {
    const text = await readText(load, name);
    if (text === undefined) return undefined;
    const chart = parseChartCsv(text, rawKey);
    return {
      shape: "chart_csv",
      snapshotDate: chart.date,
      tables: { chart_positions: chart.rows },
      skipped: Object.fromEntries(
        SKIP_REASONS.map((reason) => [reason, 0]),
      ) as RawObjectTables["skipped"],
    };
  }
  const read = await readDocument(load, name);
  if (!read) return undefined;
  return normalizeSnapshot(read.document, { key: rawKey, lastModified: read.lastModified });
}

async function readText(
  load: () => Promise<RawObject | undefined>,
  name: string,
): Promise<string | undefined> {
  const raw = await load();
  return raw && decodeRawText(raw.body, name);
}

/**
 * The raw object parsed, in a function of its own so that its text is garbage before the
 * document is normalised: 80 MB as a string for a 10,000-entry playlist, whose peak this
 * lowered by about 40 MB in most runs when it was measured.
 */
async function readDocument(
  load: () => Promise<RawObject | undefined>,
  name: string,
): Promise<{ document: unknown; lastModified: Date } | undefined> {
  const raw = await load();
  if (!raw) return undefined;
  return {
    document: parseSnapshotText(cutMarketLists(decodeRawText(raw.body, name)), name),
    lastModified: raw.lastModified,
  };
}
