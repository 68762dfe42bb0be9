/**
 * Two deliveries of one raw object, interleaved step by step (docs/DESIGN.md, "Event handling":
 * no cleanup or concurrent delivery removes outputs that another delivery wrote). Delivery A
 * fails one table write, or finds the raw object moved; delivery B succeeds and moves the raw
 * object to processed/. A's cleanup must leave B's tables, since nothing would ever write them
 * again. When a corrected file of the same name replaces the one A read, the tables must end
 * as those of the content processed/ holds, whichever delivery moved it.
 *
 * The deliveries run the transform's core over the real S3 store the handler uses. fauxqs has
 * no bucket versioning (its README lists it among the unsupported S3 features), so each
 * scenario runs twice: over fauxqs, an unversioned bucket, where cleanup cannot tell A's writes
 * from B's and must delete nothing; and over moto's S3 server with versioning on, as the data
 * lake bucket is, where cleanup deletes exactly A's versions.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  processedKeyFor,
  TABLE_NAMES,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";
import { TableWriteError } from "../../../functions/transform/errors";
import { S3LakeStore } from "../../../functions/transform/s3-lake-store";
import {
  transformRawObject,
  type LakeStore,
} from "../../../functions/transform/transform-raw-object";
import { startEmulator } from "../../support/emulator";
import { listKeys } from "../../support/helpers";
import { startMotoS3 } from "../../support/moto";
import { readParquet } from "../../support/parquet";
import { entry, rawSnapshot, track } from "../../support/spotify-fixtures";

const BUCKET = "lake";
const rawKey = "raw_data/to_process/p1_20261122T160003123Z.json";
const outputKeys = TABLE_NAMES.map((table) => transformedKeyFor(table, "2026-11-22", rawKey));
const playlistsKey = outputKeys[TABLE_NAMES.indexOf("playlists")]!;

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

/**
 * Delivery A's view of the lake: each write first waits for `writesMayStart`; the playlists
 * write then waits for `failureMayLand` and fails, as a PutObject that S3 refused would.
 */
function deliveryA(
  inner: LakeStore,
  steps: { writesMayStart: Promise<void>; failureMayLand: Promise<void> },
) {
  const reachedWrites = signal();
  const otherWritesDone = signal();
  let written = 0;
  const store: LakeStore = {
    read: (key, options) => inner.read(key, options),
    exists: (key) => inner.exists(key),
    removeVersion: (key, versionId) => inner.removeVersion(key, versionId),
    move: (from, to) => inner.move(from, to),
    async write(key, body, contentType) {
      reachedWrites.fire();
      await steps.writesMayStart;
      if (key === playlistsKey) {
        await steps.failureMayLand;
        throw new Error("PutObject failed: InternalError (injected)");
      }
      const result = await inner.write(key, body, contentType);
      if (++written === TABLE_NAMES.length - 1) otherWritesDone.fire();
      return result;
    },
  };
  return { store, reachedWrites: reachedWrites.promise, otherWritesDone: otherWritesDone.promise };
}

/** A delivery's view of the lake whose table writes, and then its move, wait until let go. */
function gatedDelivery(inner: LakeStore) {
  const [reachedWrites, writesMayStart, reachedMove, moveMayStart] = [0, 1, 2, 3].map(signal);
  const store: LakeStore = {
    read: (key, options) => inner.read(key, options),
    exists: (key) => inner.exists(key),
    removeVersion: (key, versionId) => inner.removeVersion(key, versionId),
    async write(key, body, contentType) {
      reachedWrites!.fire();
      await writesMayStart!.promise;
      return inner.write(key, body, contentType);
    },
    async move(from, to) {
      reachedMove!.fire();
      await moveMayStart!.promise;
      return inner.move(from, to);
    },
  };
  return {
    store,
    reachedWrites: reachedWrites!.promise,
    letWrite: writesMayStart!.fire,
    reachedMove: reachedMove!.promise,
    letMove: moveMayStart!.fire,
  };
}

interface Backend {
  name: string;
  versioned: boolean;
  start(): Promise<{ s3: S3Client; stop: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "fauxqs (bucket not versioned)",
    versioned: false,
    async start() {
      const emulator = await startEmulator();
      emulator.server.createBucket(BUCKET);
      return { s3: emulator.s3, stop: () => emulator.stop() };
    },
  },
  {
    name: "moto S3 (bucket versioned, as Terraform makes it)",
    versioned: true,
    async start() {
      const moto = await startMotoS3();
      await moto.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await moto.s3.send(
        new PutBucketVersioningCommand({
          Bucket: BUCKET,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      return { s3: moto.s3, stop: () => moto.stop() };
    },
  },
];

describe.each(backends)("two deliveries of one object over $name", (backend) => {
  let s3: S3Client;
  let stop: () => Promise<void>;
  let lake: S3LakeStore;

  beforeAll(async () => {
    ({ s3, stop } = await backend.start());
    lake = new S3LakeStore(s3, BUCKET);
  });
  afterAll(async () => {
    await stop();
  });
  beforeEach(async () => {
    // Each test starts from an empty lake: every version of every key goes.
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
      await lake.removeVersion(v.Key!, v.VersionId!);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    for (const object of listed.Contents ?? []) {
      await s3.send(
        new (await import("@aws-sdk/client-s3")).DeleteObjectCommand({
          Bucket: BUCKET,
          Key: object.Key!,
        }),
      );
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: rawKey,
        Body: JSON.stringify(rawSnapshot([entry(track({ id: "t1" })), entry(track({ id: "t2" }))])),
      }),
    );
  });

  const keys = () => listKeys(s3, BUCKET);
  const songIdsOf = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await readParquet(await object.Body!.transformToByteArray())).rows.map(
      (r) => r.song_id,
    );
  };
  /** The same key uploaded again with other content: a corrected file of the same name. */
  const putCorrected = (ids = ["t3"]) =>
    s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: rawKey,
        Body: JSON.stringify(rawSnapshot(ids.map((id) => entry(track({ id }))))),
      }),
    );
  const songsKey = outputKeys[TABLE_NAMES.indexOf("songs")]!;

  async function expectTheLakeWhole(): Promise<void> {
    expect(await keys()).toEqual([processedKeyFor(rawKey), ...outputKeys].sort());
    for (const key of outputKeys) {
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const { rows } = await readParquet(await object.Body!.transformToByteArray());
      expect(rows.length).toBeGreaterThan(0);
    }
    // A's retry finds the raw object in processed/ and writes nothing: what is there now stays.
    expect(await transformRawObject(rawKey, lake)).toMatchObject({ status: "already_processed" });
  }

  it("A writes three tables, B overwrites them and finishes, then A's fourth write fails: B's tables stay", async () => {
    // Prepare
    const failureMayLand = signal();
    const a = deliveryA(lake, {
      writesMayStart: Promise.resolve(),
      failureMayLand: failureMayLand.promise,
    });

    // Act
    const attemptA = transformRawObject(rawKey, a.store).catch((error: unknown) => error);
    await a.otherWritesDone;
    const outcomeB = await transformRawObject(rawKey, lake);
    failureMayLand.fire();
    const errorA = await attemptA;

    // Assess
    expect(outcomeB.status).toBe("transformed");
    expect(errorA).toBeInstanceOf(TableWriteError);
    expect((errorA as TableWriteError).message).toContain("injected");
    await expectTheLakeWhole();
    if (backend.versioned) {
      // Only B's version of each table is left: A's three were deleted by their ids.
      const versions = await s3.send(
        new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: "transformed_data/" }),
      );
      expect(versions.Versions?.map((v) => v.Key).sort()).toEqual([...outputKeys].sort());
      expect(versions.DeleteMarkers ?? []).toEqual([]);
      expect((errorA as TableWriteError).leftBehind).toEqual([]);
    } else {
      expect((errorA as TableWriteError).leftBehind.map((left) => left.key)).toEqual(
        outputKeys.filter((key) => key !== playlistsKey),
      );
    }
  });

  it("A and B both write, B moves the object first: A's move finds it gone and A answers already processed", async () => {
    // Prepare
    const a = gatedDelivery(lake);
    a.letWrite();

    // Act
    const attemptA = transformRawObject(rawKey, a.store);
    await a.reachedMove; // A has written every table
    const outcomeB = await transformRawObject(rawKey, lake);
    a.letMove();

    // Assess
    expect(outcomeB.status).toBe("transformed");
    expect(await attemptA).toMatchObject({ status: "already_processed" });
    await expectTheLakeWhole();
  });

  it("A reads the file, a corrected one replaces it and B transforms that, A moves first: the tables are B's", async () => {
    // Prepare
    const [a, b] = [gatedDelivery(lake), gatedDelivery(lake)];
    a.letWrite();
    b.letWrite();

    // Act: A's move copies the latest to_process/ object, B's content, to processed/
    const attemptA = transformRawObject(rawKey, a.store);
    await a.reachedMove; // A has written the first file's tables
    await putCorrected();
    const attemptB = transformRawObject(rawKey, b.store);
    await b.reachedMove; // B has written the corrected file's tables over A's
    a.letMove();
    const outcomeA = await attemptA;
    b.letMove();

    // Assess
    expect(outcomeA.status).toBe("transformed");
    expect(await attemptB).toMatchObject({ status: "already_processed" });
    expect(await keys()).toEqual([processedKeyFor(rawKey), ...outputKeys].sort());
    const processed = await lake.read(processedKeyFor(rawKey));
    expect(new TextDecoder().decode(processed!.body)).toContain('"t3"');
    expect(await songIdsOf(songsKey)).toEqual(["t3"]);
  });

  it("A reads the file, a corrected one replaces it and B writes that, A's writes land over B's, A moves first: B writes again", async () => {
    // Prepare
    const [a, b] = [gatedDelivery(lake), gatedDelivery(lake)];
    b.letWrite();

    // Act: B's move finds its own content in processed/, under A's tables
    const attemptA = transformRawObject(rawKey, a.store);
    await a.reachedWrites; // A has read and converted the first file
    await putCorrected();
    const attemptB = transformRawObject(rawKey, b.store);
    await b.reachedMove; // B has written the corrected file's tables
    a.letWrite();
    a.letMove();
    const outcomeA = await attemptA; // A's tables of the first file, and B's content moved
    b.letMove();

    // Assess
    expect(outcomeA.status).toBe("transformed");
    expect(await attemptB).toMatchObject({ status: "already_processed" });
    expect(await songIdsOf(songsKey)).toEqual(["t3"]);
  });

  it.each([
    ["smaller", ["t3"]],
    ["larger", ["t3", "t4", "t5"]],
  ])(
    "A reads the file, a %s corrected one replaces it, B transforms and moves that, then A's writes land: the tables are B's",
    async (_, ids) => {
      // Prepare
      const a = gatedDelivery(lake);
      a.letMove();

      // Act
      const attemptA = transformRawObject(rawKey, a.store);
      await a.reachedWrites; // A has read and converted the first file
      await putCorrected(ids);
      const outcomeB = await transformRawObject(rawKey, lake);
      a.letWrite(); // A's tables of the first file land over B's
      const outcomeA = await attemptA;

      // Assess
      expect(outcomeB.status).toBe("transformed");
      expect(outcomeA.status).toBe("already_processed");
      expect(await keys()).toEqual([processedKeyFor(rawKey), ...outputKeys].sort());
      if (backend.versioned) {
        // A deleted its own versions by id: B's are current again, and B's the only ones left.
        expect(await songIdsOf(songsKey)).toEqual(ids);
        const versions = await s3.send(
          new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: "transformed_data/" }),
        );
        expect(versions.Versions?.map((v) => v.Key).sort()).toEqual([...outputKeys].sort());
        expect(outcomeA).not.toHaveProperty("leftBehind");
      } else {
        // Nothing can tell A's writes from B's: A says which of its tables it left in place.
        expect(outcomeA).toMatchObject({ leftBehind: outputKeys.map((key) => ({ key })) });
      }
    },
  );

  it("A reads the object, B transforms and moves it, then A writes and fails one table: B's tables stay", async () => {
    // Prepare
    const writesMayStart = signal();
    const a = deliveryA(lake, {
      writesMayStart: writesMayStart.promise,
      failureMayLand: Promise.resolve(),
    });

    // Act
    const attemptA = transformRawObject(rawKey, a.store).catch((error: unknown) => error);
    await a.reachedWrites; // A has read and converted the raw object
    const outcomeB = await transformRawObject(rawKey, lake);
    writesMayStart.fire();
    const errorA = await attemptA;

    // Assess
    expect(outcomeB.status).toBe("transformed");
    expect(errorA).toBeInstanceOf(TableWriteError);
    await expectTheLakeWhole();
  });
});
