/**
 * How much raw JSON the transform works on at once. A batch's records run in parallel, which
 * is what makes a daily chart fast against S3's latency; but a snapshot takes several times its
 * size in memory while it is parsed and converted, and ten 40 MB snapshots (10,000-entry
 * playlists) at once would kill a 512 MB function. The budget lets records start while their
 * raw sizes fit, so charts still run ten at a time and large playlists one at a time in 512 MB.
 */

/**
 * Memory a raw byte may need while its snapshot is worked on: the S3 body, the text (twice its
 * bytes as a V8 string once it holds a character beyond Latin-1), the text less its market
 * lists, the parsed document, the rows and the Parquet files, with room for V8 to collect late.
 * A 40 MB playlist alone peaked at 340 MB when this was measured (docs/adr/0054).
 */
export const HEAP_BYTES_PER_RAW_BYTE = 8;

/** Runs work on raw objects while their sizes fit in a byte budget. */
export interface RawBytesBudget {
  /** The bytes of raw JSON that may be worked on at once. */
  readonly capacityBytes: number;
  /**
   * Runs `work` once `sizeBytes` fit in what the running work leaves, in the order asked. An
   * object larger than the whole budget, or of unknown size (undefined, zero or not a number),
   * waits until it can run alone.
   */
  run<T>(sizeBytes: number | undefined, work: () => Promise<T>): Promise<T>;
}

/**
 * A budget for a V8 heap of `heapLimitBytes` (`v8.getHeapStatistics().heap_size_limit`). A
 * weighted semaphore, first come first served so a large object is not overtaken for ever.
 * Written here because async-mutex's walks every unit of its capacity on each release: with a
 * capacity of tens of millions of bytes, a second per record.
 */
export function rawBytesBudgetFor(heapLimitBytes: number): RawBytesBudget {
  if (!Number.isFinite(heapLimitBytes) || heapLimitBytes <= 0) {
    throw new RangeError(`heap limit must be a positive number of bytes, got ${heapLimitBytes}`);
  }
  const capacityBytes = Math.max(1, Math.floor(heapLimitBytes / HEAP_BYTES_PER_RAW_BYTE));
  let availableBytes = capacityBytes;
  const waiting: { bytes: number; start: () => void }[] = [];
  const startWhatFits = () => {
    while (waiting.length > 0 && waiting[0]!.bytes <= availableBytes) {
      const next = waiting.shift()!;
      availableBytes -= next.bytes;
      next.start();
    }
  };
  return {
    capacityBytes,
    async run(sizeBytes, work) {
      // Whole bytes, so what is given back always adds up to the capacity again.
      const known = sizeBytes !== undefined && Number.isFinite(sizeBytes) && sizeBytes > 0;
      const bytes = known ? Math.min(Math.ceil(sizeBytes), capacityBytes) : capacityBytes;
      await new Promise<void>((start) => {
        waiting.push({ bytes, start });
        startWhatFits();
      });
      try {
        return await work();
      } finally {
        availableBytes += bytes;
        startWhatFits();
      }
    },
  };
}

/** The environment variable that sets the size cap (docs/DESIGN.md, "What transform accepts"). */
export const MAX_RAW_OBJECT_BYTES_ENV = "MAX_RAW_OBJECT_BYTES";

/**
 * Heap per raw byte the default size cap allows: more than the budget's eight, because a file
 * alone at the budget's whole size was killed. Measured when the cap was set (docs/adr/0054): a
 * 512 MB function transformed 67 MB and was killed at 70 MB (the budget's size there); a
 * 1024 MB one transformed 148 MB. A tenth of the heap limit (56 and 111 MB) keeps 15 to 25%
 * below those.
 */
export const CAP_HEAP_BYTES_PER_RAW_BYTE = 10;

/**
 * The largest raw object to transform: `MAX_RAW_OBJECT_BYTES` when set, else a tenth of a heap
 * of `heapLimitBytes` ({@link CAP_HEAP_BYTES_PER_RAW_BYTE}), so that an accepted file is one
 * the function can hold. A larger one would kill the process (V8's out-of-memory error
 * cannot be caught) and, in the handler, every other record of its batch with it.
 * @throws {RangeError} When the variable is set but not a positive whole number of bytes.
 */
export function maxRawObjectBytes(
  env: Record<string, string | undefined>,
  heapLimitBytes: number,
): number {
  const configured = env[MAX_RAW_OBJECT_BYTES_ENV]?.trim();
  if (!configured) return Math.max(1, Math.floor(heapLimitBytes / CAP_HEAP_BYTES_PER_RAW_BYTE));
  if (!/^[1-9]\d*$/.test(configured)) {
    throw new RangeError(
      `${MAX_RAW_OBJECT_BYTES_ENV} must be a positive whole number of bytes, got ${JSON.stringify(configured)}`,
    );
  }
  return Number(configured);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Why an object of `sizeBytes` is refused, and what to do about it. */
export function tooLargeMessage(key: string, sizeBytes: number, maxBytes: number): string {
  return (
    `${key} is ${mib(sizeBytes)} (${sizeBytes} bytes), over the cap of ${mib(maxBytes)} ` +
    `(${MAX_RAW_OBJECT_BYTES_ENV}=${maxBytes}) that this function's memory can transform; it ` +
    "stays in raw_data/to_process/. Raise the function's memory and MAX_RAW_OBJECT_BYTES, or " +
    "convert the file with `make transform-files` on a machine with more memory"
  );
}
