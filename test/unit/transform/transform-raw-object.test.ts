import { processedKeyFor } from "../../../functions/shared/s3-layout";
import {
  transformRawObject,
  type LakeStore,
  type RawObject,
} from "../../../functions/transform/transform-raw-object";
import { entry, rawSnapshot, track } from "../../support/spotify-fixtures";

/** An in-memory lake whose operations can be made to fail, to test the ordering rules. */
class FailingLake implements LakeStore {
  objects = new Map<string, string | Uint8Array>();
  failWriteOf?: RegExp;
  failMove = false;

  async read(key: string): Promise<RawObject | undefined> {
    const body = this.objects.get(key);
    return typeof body === "string"
      ? { body, lastModified: new Date("2026-11-22T10:00:00Z") }
      : undefined;
  }
  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
  async write(key: string, body: Uint8Array): Promise<void> {
    // Let the other writes land first, so the failure really is partial.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failWriteOf?.test(key)) throw new Error(`PutObject failed for ${key}`);
    this.objects.set(key, body);
  }
  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async move(fromKey: string, toKey: string): Promise<void> {
    if (this.failMove) throw new Error("CopyObject failed");
    this.objects.set(toKey, this.objects.get(fromKey)!);
    this.objects.delete(fromKey);
  }
}

const rawKey = "raw_data/to_process/p1_20261122T160003123Z.json";

describe("transformRawObject when storage fails", () => {
  it("removes the tables it wrote when one table fails, and leaves the raw object in to_process/", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.objects.set(rawKey, JSON.stringify(rawSnapshot([entry(track())])));
    lake.failWriteOf = /^transformed_data\/playlists\//;

    // Act
    const act = transformRawObject(rawKey, lake);

    // Assess
    await expect(act).rejects.toThrow("PutObject failed for transformed_data/playlists/");
    expect([...lake.objects.keys()]).toEqual([rawKey]);
  });

  it("keeps the raw object in to_process/ when the move fails after the outputs are written", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.objects.set(rawKey, JSON.stringify(rawSnapshot([entry(track())])));
    lake.failMove = true;

    // Act
    const act = transformRawObject(rawKey, lake);

    // Assess: a redelivery will write the same outputs again and then move it.
    await expect(act).rejects.toThrow("CopyObject failed");
    expect(lake.objects.has(rawKey)).toBe(true);
    expect(lake.objects.has(processedKeyFor(rawKey))).toBe(false);
    expect(
      [...lake.objects.keys()].filter((key) => key.startsWith("transformed_data/")),
    ).toHaveLength(4);
  });

  it("refuses a key nested below to_process/, whose outputs would collide with another file's", async () => {
    // Prepare
    const lake = new FailingLake();
    lake.objects.set("raw_data/to_process/a/x.json", JSON.stringify(rawSnapshot([])));

    // Act
    const act = transformRawObject("raw_data/to_process/a/x.json", lake);

    // Assess
    await expect(act).rejects.toThrow("directly under raw_data/to_process/");
    expect([...lake.objects.keys()]).toEqual(["raw_data/to_process/a/x.json"]);
  });
});
