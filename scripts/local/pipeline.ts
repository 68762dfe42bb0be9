/**
 * The local mode: the whole event-driven pipeline on one machine. fauxqs provides S3 and SQS,
 * a local Spotify API serves the demo charts (or the real API is used), and the real extract
 * and transform handlers run; this module plays S3 notifications, the SQS event source
 * mapping and the Glue crawler. `make demo` and the end-to-end test both run it. A week of
 * Spotify Charts exports goes in as `make import-charts` puts them into a bucket.
 */
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseS3NotificationMessage } from "../../functions/shared/s3-event";
import {
  RAW_PROCESSED_PREFIX,
  RAW_TO_PROCESS_PREFIX,
  TRANSFORMED_PREFIX,
} from "../../functions/shared/s3-layout";
import { parsePlaylistIdList } from "../../functions/extract/config";
import { startLocalSpotifyApi, type LocalSpotifyApi } from "../local-spotify-api/server";
import { importCharts, type ChartImportResult } from "../ops/import-charts";
import { LOCAL_REPORT_NAME } from "../report/write-report";
import { queueArnOf } from "../ops/queues";
import { top50GlobalPlaylist, TOP50_GLOBAL_ID } from "../local-spotify-api/recordings";
import { captureTracks, demoChartFiles, writeDemoChartFiles } from "./demo-chart-files";
import { demoCharts, demoExtractionTime, DEMO_DAYS } from "./demo-charts";
import { startEmulator, type Emulator } from "./emulator";
import { drainQueue, type PollerStats, type SqsHandler } from "./event-source-poller";
import { lambdaContext } from "./lambda-context";
import { LOCAL_DEMO_CHARTS_DIR } from "./paths";
import { NotificationRelay } from "./notification-relay";
import {
  deadLetterQueueAttributes,
  ingestQueueAttributes,
  loadQueueSettings,
  type QueueSettings,
} from "./queue-settings";

/** Names of the local resources (the same roles Terraform creates). */
export const LOCAL_BUCKET = "spotify-etl-local-lake";
export const LOCAL_QUEUE = "spotify-etl-local-ingest";
export const LOCAL_DEAD_LETTER_QUEUE = "spotify-etl-local-ingest-dlq";
/** The raw object the failure demo drops into the raw zone: valid JSON, not a playlist. */
export const POISON_KEY = `${RAW_TO_PROCESS_PREFIX}poison-message-not-a-playlist.json`;

/** A queue's URL and ARN. */
export interface QueueRef {
  url: string;
  arn: string;
}

/** The running local infrastructure. */
export interface LocalInfrastructure {
  emulator: Emulator;
  bucket: string;
  ingestQueue: QueueRef;
  deadLetterQueue: QueueRef;
  settings: QueueSettings;
  relay: NotificationRelay;
  stop(): Promise<void>;
}

/** Starts the emulator with the bucket, the ingest queue and its DLQ (settings shared with Terraform). */
export async function startLocalInfrastructure(): Promise<LocalInfrastructure> {
  const emulator = await startEmulator({ recordS3Events: true });
  const settings = loadQueueSettings();
  emulator.server.createBucket(LOCAL_BUCKET);
  const deadLetterQueue = await createQueue(
    emulator,
    LOCAL_DEAD_LETTER_QUEUE,
    deadLetterQueueAttributes(settings),
  );
  const ingestQueue = await createQueue(
    emulator,
    LOCAL_QUEUE,
    ingestQueueAttributes(settings, deadLetterQueue.arn),
  );
  const relay = new NotificationRelay(emulator, LOCAL_BUCKET, ingestQueue.url);
  await relay.start();
  return {
    emulator,
    bucket: LOCAL_BUCKET,
    ingestQueue,
    deadLetterQueue,
    settings,
    relay,
    async stop() {
      await relay.stop();
      await emulator.stop();
    },
  };
}

async function createQueue(
  emulator: Emulator,
  name: string,
  attributes: Record<string, string>,
): Promise<QueueRef> {
  const { QueueUrl } = await emulator.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  return { url: QueueUrl!, arn: await queueArnOf(emulator.sqs, QueueUrl!) };
}

/** Where the extract reads Spotify: the local API with the demo charts, or the real one. */
export type SpotifySource =
  | { kind: "local"; api: LocalSpotifyApi; days: number; charts: unknown[][]; playlistId: string }
  | { kind: "real"; playlistIds: string[] };

/**
 * The local Spotify API serving the demo charts, unless `SPOTIFY_CLIENT_ID` and
 * `SPOTIFY_CLIENT_SECRET` are set: then the real API, with `PLAYLIST_IDS` choosing playlists.
 */
export async function startSpotifySource(
  env: NodeJS.ProcessEnv,
  days = DEMO_DAYS,
): Promise<SpotifySource> {
  if (env.SPOTIFY_CLIENT_ID && env.SPOTIFY_CLIENT_SECRET) {
    const playlistIds = parsePlaylistIdList(env.PLAYLIST_IDS ?? "");
    if (playlistIds.length === 0) {
      throw new Error(
        "With real Spotify credentials, set PLAYLIST_IDS to the playlist ids to read (comma-separated).",
      );
    }
    return { kind: "real", playlistIds };
  }
  const capture = top50GlobalPlaylist("item");
  const api = await startLocalSpotifyApi({ playlists: {} });
  return {
    kind: "local",
    api,
    days,
    // The recorded Top 50 entries carry their payload under `track` (re-keyed when served).
    charts: demoCharts(capture.entries as { track: object }[], days),
    playlistId: TOP50_GLOBAL_ID,
  };
}

/** Outcome of one extract invocation. */
export interface ExtractRun {
  at: Date;
  written: number;
  error?: string;
}

/**
 * Runs the real extract handler: once per demo day "as of" 16:00 UTC that day (the local API
 * serving that day's chart), or once now against the real API.
 */
export async function runExtract(
  infra: LocalInfrastructure,
  spotify: SpotifySource,
): Promise<ExtractRun[]> {
  process.env.DATA_BUCKET = infra.bucket;
  if (spotify.kind === "local") {
    process.env.SPOTIFY_API_BASE_URL = spotify.api.apiBaseUrl;
    process.env.SPOTIFY_ACCOUNTS_BASE_URL = spotify.api.accountsBaseUrl;
    process.env.SPOTIFY_CLIENT_ID = spotify.api.clientId;
    process.env.SPOTIFY_CLIENT_SECRET = spotify.api.clientSecret;
    process.env.PLAYLIST_IDS = spotify.playlistId;
  } else {
    process.env.PLAYLIST_IDS = spotify.playlistIds.join(",");
  }
  const { createHandler } = await import("../../functions/extract/handler");
  const runs: ExtractRun[] = [];
  const days = spotify.kind === "local" ? spotify.days : 1;
  for (let day = 0; day < days; day++) {
    const at = spotify.kind === "local" ? demoExtractionTime(day) : new Date();
    if (spotify.kind === "local") {
      spotify.api.setPlaylist(spotify.playlistId, {
        name: "Top 50 - Global",
        ownerId: "spotify",
        entries: spotify.charts[day]!,
        payloadKey: "item",
      });
    }
    try {
      const summary = await createHandler({ now: () => at })({}, lambdaContext("extract", 300_000));
      runs.push({ at, written: summary.written.length });
    } catch (error) {
      runs.push({ at, written: 0, error: (error as Error).message });
    }
  }
  await infra.relay.flush();
  return runs;
}

/**
 * Writes the demo's daily Top 200 chart exports (one per day, the extract's days) into `dir`
 * and uploads them with `make import-charts`' own code to the bucket's `raw_data/to_process/`,
 * where the relayed notifications hand them to the transform.
 * @throws {Error} When the files cannot be written or the emulator refuses an upload.
 */
export async function importDemoChartFiles(
  infra: LocalInfrastructure,
  dir = LOCAL_DEMO_CHARTS_DIR,
  days = DEMO_DAYS,
): Promise<ChartImportResult> {
  const files = await writeDemoChartFiles(dir, demoChartFiles(captureTracks(), { days }));
  // force: a rerun sends the same files again, which the transform overwrites in place.
  const result = await importCharts(infra.emulator.s3, infra.bucket, files, { force: true });
  await infra.relay.flush();
  return result;
}

/** Drops a raw object that is valid JSON but no playlist: its message must end in the DLQ. */
export async function putPoisonObject(infra: LocalInfrastructure): Promise<void> {
  await infra.emulator.s3.send(
    new PutObjectCommand({
      Bucket: infra.bucket,
      Key: POISON_KEY,
      Body: JSON.stringify({
        note: "not a Spotify playlist: shows the failure path",
        tracks: "nope",
      }),
      ContentType: "application/json",
    }),
  );
  await infra.relay.flush();
}

/** Feeds the ingest queue to the real transform handler until it is drained. */
export async function runTransform(
  infra: LocalInfrastructure,
  onBatch?: (records: number, failures: number) => void,
): Promise<PollerStats> {
  const { handler } = (await import("../../functions/transform/handler")) as {
    handler: SqsHandler;
  };
  return drainQueue({
    sqs: infra.emulator.sqs,
    queueUrl: infra.ingestQueue.url,
    queueArn: infra.ingestQueue.arn,
    handler,
    batchSize: infra.settings.batchSize,
    functionTimeoutSeconds: infra.settings.transformTimeoutSeconds,
    beforeIdleCheck: () => infra.relay.flush(),
    onBatch,
  });
}

/** The object keys the messages in the dead-letter queue point at (messages stay there). */
export async function deadLetteredKeys(infra: LocalInfrastructure): Promise<string[]> {
  const { Messages = [] } = await infra.emulator.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: infra.deadLetterQueue.url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
    }),
  );
  return Messages.flatMap((message) => {
    const parsed = parseS3NotificationMessage(message.Body ?? "");
    return parsed.kind === "objects"
      ? parsed.objects.map((object) => object.key)
      : ["s3:TestEvent"];
  });
}

/** Every object key in the bucket under `prefix`. */
export async function listKeys(infra: LocalInfrastructure, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  const pages = paginateListObjectsV2(
    { client: infra.emulator.s3 },
    { Bucket: infra.bucket, Prefix: prefix },
  );
  for await (const page of pages) keys.push(...(page.Contents ?? []).map((object) => object.Key!));
  return keys.sort();
}

/** What the demo writes into its lake folder, so that only these are replaced by the next run. */
const LAKE_ENTRIES = [
  RAW_TO_PROCESS_PREFIX,
  RAW_PROCESSED_PREFIX,
  TRANSFORMED_PREFIX,
  LOCAL_REPORT_NAME,
];

/**
 * Mirrors the bucket into `lakeDir`, so users can open the files. An earlier run's lake there is
 * replaced; anything else in the folder is left alone (`--lake` may name any folder, even `.`).
 */
export async function exportLake(infra: LocalInfrastructure, lakeDir: string): Promise<number> {
  for (const entry of LAKE_ENTRIES) {
    await rm(path.join(lakeDir, entry), { recursive: true, force: true });
  }
  const keys = await listKeys(infra);
  for (const key of keys) {
    const object = await infra.emulator.s3.send(
      new GetObjectCommand({ Bucket: infra.bucket, Key: key }),
    );
    const file = path.join(lakeDir, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await object.Body!.transformToByteArray());
  }
  return keys.length;
}
