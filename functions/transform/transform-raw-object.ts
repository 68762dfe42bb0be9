/**
 * What happens to one raw object: read, normalise, write every table, then move the raw
 * object to `processed/`. Storage is behind {@link LakeStore}, so this runs the same against
 * S3, the emulator or a test double.
 */
import {
  TABLE_NAMES,
  isRawToProcessKey,
  processedKeyFor,
  transformedKeyFor,
  RAW_TO_PROCESS_PREFIX,
} from "../shared/s3-layout";
import {
  normalizeSnapshot,
  InvalidSnapshotError,
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
  /** Copies the object to `toKey`, then deletes `fromKey`. */
  move(fromKey: string, toKey: string): Promise<void>;
}

/** What became of a raw object. */
export type TransformOutcome =
  | {
      status: "transformed";
      snapshot: NormalizedSnapshot;
      outputKeys: string[];
      processedKey: string;
    }
  | { status: "already_processed"; processedKey: string };

/** A raw object that cannot be transformed as it is; retrying will not help. */
export class UnprocessableObjectError extends Error {
  override name = "UnprocessableObjectError";
}

const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

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
  const processedKey = processedKeyFor(rawKey);
  const raw = await store.read(rawKey);
  if (!raw) {
    if (await store.exists(processedKey)) return { status: "already_processed", processedKey };
    throw new UnprocessableObjectError(
      `raw object ${rawKey} exists neither in to_process/ nor as ${processedKey}`,
    );
  }

  const snapshot = normalizeSnapshot(parseJson(raw.body, rawKey), {
    key: rawKey,
    lastModified: raw.lastModified,
  });
  const outputKeys = await Promise.all(
    TABLE_NAMES.map(async (table) => {
      const key = transformedKeyFor(table, snapshot.snapshotDate, rawKey);
      await store.write(key, encodeTable(table, snapshot.tables[table]), PARQUET_CONTENT_TYPE);
      return key;
    }),
  );
  await store.move(rawKey, processedKey);
  return { status: "transformed", snapshot, outputKeys, processedKey };
}

function parseJson(body: string, key: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new InvalidSnapshotError(`${key} is not valid JSON: ${(error as Error).message}`);
  }
}
