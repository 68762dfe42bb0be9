import {
  processedKeyFor,
  TABLE_NAMES,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";
import {
  isRetryable,
  InvalidSnapshotError,
  TableWriteError,
  UnprocessableObjectError,
} from "../../../functions/transform/errors";
import {
  assertTransformableKey,
  assertTransformableNotification,
  transformRawObject,
  type LakeStore,
  type RawObject,
} from "../../../functions/transform/transform-raw-object";
import { entry, rawSnapshot, track } from "../../support/spotify-fixtures";

const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * An in-memory lake whose operations can be made to fail, to test the ordering rules. Versioned
 * like the data lake bucket (each write a new version, the latest is the object) unless told not.
 */
class FailingLake implements LakeStore {
  versions = new Map<string, { versionId: string; body: Uint8Array }[]>();
  failWriteOf?: RegExp;
  failMove = false;
  failRemoveVersion = false;
  private nextVersion = 1;

  constructor(private readonly versioned = true) {}

  put(key: string, body: Uint8Array | string): string {
    const versionId = `v${this.nextVersion++}`;
    const data = typeof body === "string" ? bytes(body) : body;
    const kept = this.versioned ? (this.versions.get(key) ?? []) : [];
    this.versions.set(key, [...kept, { versionId, body: data }]);
    return versionId;
  }
  keys(): string[] {
    return [...this.versions.keys()].sort();
  }
  async read(key: string): Promise<RawObject | undefined> {
    const latest = this.versions.get(key)?.at(-1);
    return latest
      ? { body: latest.body, lastModified: new Date("2026-11-22T10:00:00Z") }
      : undefined;
  }
  async exists(key: string): Promise<boolean> {
    return this.versions.has(key);
  }
  async write(key: string, body: Uint8Array): Promise<{ versionId?: string }> {
    // Let the other writes land first, so the failure really is partial.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failWriteOf?.test(key)) throw new Error(`PutObject failed for ${key}`);
    const versionId = this.put(key, body);
    return this.versioned ? { versionId } : {};
  }
  async removeVersion(key: string, versionId: string): Promise<void> {
    if (this.failRemoveVersion) throw new Error("DeleteObject failed");
    const left = (this.versions.get(key) ?? []).filter((v) => v.versionId !== versionId);
    if (left.length) this.versions.set(key, left);
    else this.versions.delete(key);
  }
  async move(fromKey: string, toKey: string): Promise<boolean> {
    if (this.failMove) throw new Error("CopyObject failed");
    this.put(toKey, this.versions.get(fromKey)!.at(-1)!.body);
    return this.versions.delete(fromKey);
  }
}

const rawKey = "raw_data/to_process/p1_20261122T160003123Z.json";
const snapshotText = JSON.stringify(rawSnapshot([entry(track())]));
const outputKeys = TABLE_NAMES.map((table) => transformedKeyFor(table, "2026-11-22", rawKey));
const chartKey = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
const chartText =
  "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
  "1,spotify:track:2plbrEY59IikOBgBGLjaoe,A,B,,1,1,466,5312345\n";

describe("transformRawObject when storage fails", () => {
  it("removes the tables it wrote when one table fails, and leaves the raw object in to_process/", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.failWriteOf = /^transformed_data\/playlists\//;

    // Act
    const act = transformRawObject(rawKey, lake);

    // Assess
    await expect(act).rejects.toThrow("PutObject failed for transformed_data/playlists/");
    await expect(act).rejects.toMatchObject({ retryable: true, leftBehind: [] });
    expect(lake.keys()).toEqual([rawKey]);
  });

  it.each([
    ["a snapshot's first table", rawKey, snapshotText, /^transformed_data\/songs\//],
    ["a chart export's only table", chartKey, chartText, /^transformed_data\/chart_positions\//],
  ])(
    "fails the record when %s fails, and leaves the raw object in to_process/",
    async (_, key, text, failing) => {
      // Prepare
      const lake = new FailingLake();
      lake.put(key, text);
      lake.failWriteOf = failing;

      // Act
      const act = transformRawObject(key, lake);

      // Assess
      await expect(act).rejects.toThrow(TableWriteError);
      expect(lake.keys()).toEqual([key]);
    },
  );

  it("deletes only its own versions: a table another delivery wrote before stays", async () => {
    // Prepare: an earlier delivery's songs file, under the same key
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.put(outputKeys[0]!, "earlier delivery's songs");
    lake.failWriteOf = /^transformed_data\/playlists\//;

    // Act
    await transformRawObject(rawKey, lake).catch(() => undefined);

    // Assess
    expect(lake.keys()).toEqual([rawKey, outputKeys[0]!].sort());
    expect(new TextDecoder().decode((await lake.read(outputKeys[0]!))!.body)).toBe(
      "earlier delivery's songs",
    );
  });

  it("reports the outputs cleanup could not delete, with why", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.failWriteOf = /^transformed_data\/playlists\//;
    lake.failRemoveVersion = true;

    // Act
    const error = await transformRawObject(rawKey, lake).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TableWriteError);
    expect((error as TableWriteError).leftBehind).toEqual(
      outputKeys.slice(0, 3).map((key) => ({
        key,
        reason: expect.stringMatching(/^deleting version v\d+ failed: DeleteObject failed$/),
      })),
    );
  });

  it("in an unversioned bucket, deletes nothing it cannot tell from another delivery's, and says so", async () => {
    // Prepare
    const lake = new FailingLake(false);
    lake.put(rawKey, snapshotText);
    lake.failWriteOf = /^transformed_data\/playlists\//;

    // Act
    const error = await transformRawObject(rawKey, lake).catch((e: unknown) => e);

    // Assess
    expect(lake.keys()).toEqual([rawKey, ...outputKeys.slice(0, 3)].sort());
    expect((error as TableWriteError).leftBehind).toEqual(
      outputKeys.slice(0, 3).map((key) => ({
        key,
        reason: expect.stringContaining("the bucket is not versioned"),
      })),
    );
  });

  it("keeps the raw object in to_process/ when the move fails after the outputs are written", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.failMove = true;

    // Act
    const act = transformRawObject(rawKey, lake);

    // Assess: a redelivery will write the same outputs again and then move it.
    await expect(act).rejects.toThrow("CopyObject failed");
    expect(lake.keys()).toEqual([rawKey, ...outputKeys].sort());
    expect(lake.keys()).not.toContain(processedKeyFor(rawKey));
  });

  it("fails, to be retried, when another delivery moved the object and processed/ lost it since", async () => {
    // Prepare: the move finds processed/ there, which is deleted before it can be read
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.move = async () => false;

    // Act
    const error = await transformRawObject(rawKey, lake).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("no longer holds it");
    expect(isRetryable(error)).toBe(true);
  });

  it("reports its one output left in place when another delivery moved other content first", async () => {
    // Prepare: a chart export writes one table; processed/ holds a file uploaded again since
    const lake = new FailingLake(false);
    lake.put(chartKey, chartText);
    lake.put(processedKeyFor(chartKey), "other content");
    lake.move = async () => false;

    // Act
    const outcome = await transformRawObject(chartKey, lake);

    // Assess
    expect(outcome).toMatchObject({
      status: "already_processed",
      leftBehind: [{ key: transformedKeyFor("chart_positions", "2026-11-30", chartKey) }],
    });
  });
});

describe("transformRawObject's encoding rules", () => {
  it("accepts a UTF-8 byte order mark", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(snapshotText)]));

    // Act
    const outcome = await transformRawObject(rawKey, lake);

    // Assess
    expect(outcome.status).toBe("transformed");
  });

  it("fails a file holding bytes that are not UTF-8, naming the offset, and writes nothing", async () => {
    // Prepare: Latin-1 "é" (0xE9) inside a track name
    const text = JSON.stringify(rawSnapshot([entry(track({ name: "Caf#" }))]));
    const data = bytes(text);
    const at = text.indexOf("Caf#") + 3;
    data[at] = 0xe9;
    const lake = new FailingLake();
    lake.put(rawKey, data);

    // Act
    const act = transformRawObject(rawKey, lake);

    // Assess
    await expect(act).rejects.toThrow(InvalidSnapshotError);
    await expect(act).rejects.toThrow(`byte 0xe9 at byte offset ${at} starts no valid character`);
    await expect(act).rejects.toMatchObject({ retryable: false });
    expect(lake.keys()).toEqual([rawKey]);
  });

  it("refuses an object over maxRawBytes as the store reports it", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    const read = lake.read.bind(lake);
    const asked: unknown[] = [];
    lake.read = async (key: string, options?: { maxBytes?: number }) => {
      asked.push(options);
      return read(key);
    };

    // Act
    await transformRawObject(rawKey, lake, { maxRawBytes: 1234 });

    // Assess: the store is told the cap, so it refuses before reading the body
    expect(asked).toEqual([{ maxBytes: 1234 }]);
  });

  it("reads processed/ no larger than the object it read, when another delivery moved that", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.put(rawKey, snapshotText);
    lake.put(processedKeyFor(rawKey), "other content");
    lake.move = async () => false;
    const read = lake.read.bind(lake);
    const asked: unknown[] = [];
    lake.read = async (key: string, options?: { maxBytes?: number }) => {
      asked.push(options);
      return read(key);
    };

    // Act
    await transformRawObject(rawKey, lake);

    // Assess: a larger object cannot hold the same bytes, and might not fit in memory
    expect(asked[1]).toEqual({ maxBytes: bytes(snapshotText).byteLength });
  });
});

describe("assertTransformableKey", () => {
  it.each([
    ["raw_data/processed/p.json", "is not under raw_data/to_process/"],
    ["raw_data/to_process/a/x.json", "directly under raw_data/to_process/"],
    ["raw_data/to_process/notes.txt", "neither a .json snapshot nor a .csv chart export"],
    ["raw_data/to_process/p.json.gz", "neither a .json snapshot nor a .csv chart export"],
    ["raw_data/to_process/_p.json", "Athena silently ignores files whose names start with _ or ."],
    ["raw_data/to_process/.p.csv", "Athena silently ignores files whose names start with _ or ."],
  ])("refuses %s", (key, reason) => {
    // Act
    const act = () => assertTransformableKey(key);

    // Assess
    expect(act).toThrow(UnprocessableObjectError);
    expect(act).toThrow(reason);
  });

  it.each([
    "raw_data/to_process/p_1.json",
    "raw_data/to_process/regional-global-daily-2026-11-30.csv",
  ])("takes %s", (key) => {
    expect(() => assertTransformableKey(key)).not.toThrow();
  });
});

describe("assertTransformableNotification", () => {
  const created = {
    eventName: "ObjectCreated:Put",
    bucket: "lake",
    key: "raw_data/to_process/p_1.json",
    size: 100,
  };

  it.each([
    [
      { ...created, bucket: "other" },
      "notification is for bucket other, this function serves lake",
    ],
    [{ ...created, eventName: "ObjectRemoved:Delete" }, "is not an ObjectCreated event"],
    [{ ...created, key: "raw_data/processed/p_1.json" }, "is not under raw_data/to_process/"],
    [{ ...created, size: 101 }, "(101 bytes), over the cap"],
  ])("refuses %o before any download", (object, reason) => {
    // Act
    const act = () => assertTransformableNotification(object, "lake", 100);

    // Assess
    expect(act).toThrow(UnprocessableObjectError);
    expect(act).toThrow(reason);
  });

  it.each([created, { ...created, size: undefined }])(
    "takes an object within the cap or of unstated size: %o",
    (object) => {
      expect(() => assertTransformableNotification(object, "lake", 100)).not.toThrow();
    },
  );
});
