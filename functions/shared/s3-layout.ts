/**
 * The data lake's S3 key layout (docs/DESIGN.md, "S3 layout"): the one place that knows it. The values
 * live in config/s3-layout.json, which Terraform reads too (notification filters, IAM prefixes,
 * crawler targets), so both sides cannot drift apart.
 */
import layout from "../../config/s3-layout.json" with { type: "json" };

/** Raw objects waiting for the transform. The S3 notification filters on this prefix. */
export const RAW_TO_PROCESS_PREFIX = layout.rawToProcessPrefix;
/** Raw objects after a successful transform. */
export const RAW_PROCESSED_PREFIX = layout.rawProcessedPrefix;
/** Parquet tables, one folder per table, Hive-partitioned by snapshot date. */
export const TRANSFORMED_PREFIX = layout.transformedPrefix;
/**
 * The S3 notifications on `raw_data/to_process/`, one per raw suffix: snapshots (`.json`) and
 * Spotify Charts exports (`.csv`). The id is the notification's `configurationId`.
 */
export const RAW_NOTIFICATIONS: readonly { id: string; suffix: string }[] = layout.rawNotifications;
const suffixOf = (id: string): string => {
  const notification = RAW_NOTIFICATIONS.find((n) => n.id === id);
  if (!notification) throw new Error(`config/s3-layout.json has no raw notification ${id}`);
  return notification.suffix;
};
/** Suffix of the raw snapshots extract writes. */
export const RAW_SUFFIX = suffixOf("raw-snapshot-created");
/** Suffix of the Spotify Charts CSV exports users upload. */
export const CHART_SUFFIX = suffixOf("raw-chart-created");
/** Every suffix the transform takes: snapshots, and Spotify Charts CSV exports. */
export const RAW_SUFFIXES: readonly string[] = RAW_NOTIFICATIONS.map((n) => n.suffix);

/**
 * User metadata (`x-amz-meta-snapshot-date`, `YYYY-MM-DD`) that pins the snapshot date of a raw
 * object whose content carries no `extracted_at`. `make reprocess` sets it, because copying the
 * object back to `to_process/` gives it a new LastModified, which would move it to another day.
 */
export const SNAPSHOT_DATE_METADATA = "snapshot-date";

/**
 * The tables the transform writes for a playlist snapshot, in the order it writes them. Written
 * out for their literal types; test/terraform/contracts.test.ts holds them equal to the JSON's
 * `tables`, which the crawler catalogs.
 */
export const TABLE_NAMES = ["songs", "albums", "artists", "playlists"] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** The one table a Spotify Charts CSV export writes (docs/DESIGN.md, `chart_positions`). */
export const CHART_TABLE_NAME = "chart_positions";
/** Every table the transform writes: a snapshot's four and the charts' one. */
export const LAKE_TABLE_NAMES = [...TABLE_NAMES, CHART_TABLE_NAME] as const;
export type LakeTableName = (typeof LAKE_TABLE_NAMES)[number];

const SAFE_NAME_CHARS = /[^A-Za-z0-9._=-]/g;

/**
 * The raw snapshot's object name for one playlist extracted at one instant, e.g.
 * `37i9dQZEVXbMDoHDwVN2tF_20261122T160003123Z.json`. Deterministic, and only `[A-Za-z0-9._=-]`.
 */
export function rawObjectNameFor(playlistId: string, extractedAt: Date): string {
  const stamp = extractedAt.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `${playlistId.replace(SAFE_NAME_CHARS, "_")}_${stamp}${RAW_SUFFIX}`;
}

/**
 * The extraction instant encoded in a name made by {@link rawObjectNameFor}, or undefined for
 * names made elsewhere (older pipelines' dumps), whose date must come from the object itself.
 */
export function extractedAtFromRawName(rawKey: string): Date | undefined {
  const match = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(
    snapshotNameFor(rawKey),
  );
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  const instant = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The `raw_data/to_process/` key extract writes for one playlist snapshot. */
export function rawKeyFor(playlistId: string, extractedAt: Date): string {
  return RAW_TO_PROCESS_PREFIX + rawObjectNameFor(playlistId, extractedAt);
}

/** Whether a key is a raw snapshot waiting to be transformed. */
export function isRawToProcessKey(key: string): boolean {
  return key.startsWith(RAW_TO_PROCESS_PREFIX) && key.length > RAW_TO_PROCESS_PREFIX.length;
}

/** Where a `raw_data/to_process/` object goes once transformed (same relative path). */
export function processedKeyFor(rawKey: string): string {
  return RAW_PROCESSED_PREFIX + relativeRawPath(rawKey);
}

/** The `raw_data/to_process/` key a `raw_data/processed/` object came from. */
export function toProcessKeyFor(processedKey: string): string {
  if (!processedKey.startsWith(RAW_PROCESSED_PREFIX)) {
    throw new Error(
      `Not a processed raw key (expected prefix ${RAW_PROCESSED_PREFIX}): ${processedKey}`,
    );
  }
  return RAW_TO_PROCESS_PREFIX + processedKey.slice(RAW_PROCESSED_PREFIX.length);
}

/**
 * The snapshot's name: the raw object's file name without `.json` (or a chart export's
 * `.csv`). Output files are named after it, so transforming the same raw object twice
 * overwrites instead of duplicating.
 */
export function snapshotNameFor(rawKey: string): string {
  const fileName = rawKey.slice(rawKey.lastIndexOf("/") + 1);
  const suffix = RAW_SUFFIXES.find((candidate) => fileName.endsWith(candidate));
  return suffix ? fileName.slice(0, -suffix.length) : fileName;
}

/** `transformed_data/<table>/snapshot_date=YYYY-MM-DD/<name>.parquet` for a raw key. */
export function transformedKeyFor(
  table: LakeTableName,
  snapshotDate: string,
  rawKey: string,
): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(snapshotDate)) {
    throw new Error(`snapshot date must be YYYY-MM-DD, got ${JSON.stringify(snapshotDate)}`);
  }
  return `${TRANSFORMED_PREFIX}${table}/snapshot_date=${snapshotDate}/${snapshotNameFor(rawKey)}.parquet`;
}

function relativeRawPath(rawKey: string): string {
  if (!rawKey.startsWith(RAW_TO_PROCESS_PREFIX)) {
    throw new Error(`Not a raw key (expected prefix ${RAW_TO_PROCESS_PREFIX}): ${rawKey}`);
  }
  return rawKey.slice(RAW_TO_PROCESS_PREFIX.length);
}
