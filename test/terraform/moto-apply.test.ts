/**
 * `terraform apply` of the root module against moto's server, data through what it created,
 * then `terraform destroy` (issue 13, item 4; docs/MOTO.md says what it proves and what not).
 *
 * A copy of terraform/, config/, queries/ and dist/ gets test/fixtures/terraform/moto_override.tf,
 * which points every service at moto. Every planned managed resource is applied except those
 * moto cannot do ({@link MOTO_CANNOT}). Then a real capture goes into the bucket Terraform
 * made, the S3 notification moto delivers to Terraform's queue is received, and the built
 * dist/transform.zip handler is invoked with exactly those messages, with the environment
 * Terraform gave the function. The Parquet it wrote is read back with DuckDB.
 */
import { AthenaClient, ListWorkGroupsCommand } from "@aws-sdk/client-athena";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { GetCrawlersCommand, GetDatabasesCommand, GlueClient } from "@aws-sdk/client-glue";
import { IAMClient, ListPoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
} from "@aws-sdk/client-kms";
import {
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
} from "@aws-sdk/client-lambda";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { ListSchedulesCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { ListSecretsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { SQSBatchResponse } from "aws-lambda";
import { lambdaSqsEventFor } from "../../scripts/local/sqs-event";
import { readZipEntries } from "../support/zip";
import { listKeys } from "../support/helpers";
import { parseS3NotificationMessage } from "../../functions/shared/s3-event";
import {
  CHART_TABLE_NAME,
  processedKeyFor,
  rawKeyFor,
  TABLE_NAMES,
  TRANSFORMED_PREFIX,
  transformedKeyFor,
  type LakeTableName,
} from "../../functions/shared/s3-layout";
import layout from "../../config/s3-layout.json" with { type: "json" };
import {
  deadLetterQueueAttributes,
  ingestQueueAttributes,
  loadQueueSettings,
} from "../../scripts/local/queue-settings";
import { startMotoServer, type MotoServer } from "../support/moto";
import { readParquet } from "../support/parquet";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ZIPS = ["extract.zip", "transform.zip"];
const run = promisify(execFile);

/**
 * Resources (addresses without an instance key) the test does not apply, with what moto
 * 5.2.5 does with them (measured; docs/MOTO.md). Each must still be in the plan.
 */
const MOTO_CANNOT: Record<string, string> = {
  "module.ingest_queue.aws_sqs_queue_redrive_allow_policy.dead_letter":
    "moto stores no RedriveAllowPolicy (sqs/models.py Queue._set_attributes), so the provider's " +
    "wait for it to read back never ends: timeout while waiting for state to become 'equal' " +
    "(last state: 'notequal') after the 20-minute create timeout",
  "module.analytics.aws_athena_named_query.this":
    "created, but `terraform destroy` cannot delete it: DeleteNamedQuery answers " +
    "NotImplementedError: The delete_named_query action has not been implemented (HTTP 500, " +
    "which the provider retries until its timeout)",
};

// Root variables the test sets: the mapping stays disabled, or moto would run the function in
// Docker as soon as a message arrives (sqs/models.py Queue.add_message); force_destroy lets
// destroy delete the bucket with the data the test wrote.
const VARS = [
  "-var",
  "transform_event_source_enabled=false",
  "-var",
  "force_destroy_bucket=true",
  "-var",
  'playlist_ids=["37i9dQZEVXbMDoHDwVN2tF"]',
];

// The real capture as the raw snapshot the extract writes (DESIGN.md, "What transform
// accepts", 1). The capture says only its day; noon UTC is the test's choice.
const EXTRACTED_AT = "2024-04-22T12:00:00.000Z";
const SNAPSHOT_DATE = "2024-04-22";
const [capture] = JSON.parse(
  readFileSync(path.join(ROOT, "test/fixtures/top50-global-2024-04-22.playlist.json"), "utf8"),
) as [CapturedPlaylist];
interface CapturedEntry {
  track: {
    id: string;
    name: string;
    album: { id: string; artists: { id: string }[] };
    artists: { id: string }[];
  };
}
interface CapturedPlaylist {
  id: string;
  name: string;
  snapshot_id: string;
  owner: { id: string };
  tracks: { total: number; items: CapturedEntry[] };
}

// A small valid Spotify Charts export (the lines of test/unit/transform/chart-csv.test.ts).
const CHART_KEY = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
const CHART_CSV =
  "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams\n" +
  '1,spotify:track:2plbrEY59IikOBgBGLjaoe,"Lady Gaga, Bruno Mars",Die With A Smile,Interscope,1,1,466,5312345\n' +
  "2,spotify:track:6dOtVTDdiauQNBQEDOtlAB,Billie Eilish,BIRDS OF A FEATHER,Darkroom/Interscope,1,-1,1,4870000\n";

interface StateResource {
  address: string;
  mode: string;
  type: string;
  values: Record<string, unknown>;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

/** Every resource of a `terraform show -json` module tree. */
function stateResources(module: StateModule | undefined): StateResource[] {
  if (!module) return [];
  return [
    ...(module.resources ?? []),
    ...(module.child_modules ?? []).flatMap((child) => stateResources(child)),
  ];
}

/** `module.a.type.name["key"]` -> `module.a.type.name`: the resource a planned instance is of. */
const resourceOf = (address: string) => address.replace(/\[[^\]]*\]$/, "");

describe("terraform apply of the root module against moto", () => {
  let moto: MotoServer | undefined;
  let workDir: string;
  let tfDir: string;
  let terraform: (...args: string[]) => Promise<string>;
  let planned: string[] = [];
  let targets: string[] = [];
  let outputs: Record<string, { value: unknown }> = {};
  let state: StateResource[] = [];
  let clients: ReturnType<typeof clientsFor>;
  const timings: Record<string, number> = {};

  /** Runs `step`, keeping its wall time for the summary afterAll logs. */
  async function timed<T>(step: string, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await body();
    } finally {
      timings[step] = Math.round(performance.now() - started);
    }
  }

  const output = (name: string) => {
    const value = outputs[name]?.value;
    if (typeof value !== "string") throw new Error(`terraform output ${name} is not a string`);
    return value;
  };

  beforeAll(async () => {
    for (const zip of ZIPS) {
      if (!existsSync(path.join(ROOT, "dist", zip))) {
        throw new Error(`dist/${zip} is missing: run \`make build\` (make test builds first)`);
      }
    }
    moto = await startMotoServer();
    clients = clientsFor(moto.endpoint);

    workDir = mkdtempSync(path.join(tmpdir(), "moto-apply-"));
    // Only the sources: no .terraform/, state or lock file of a checkout that was deployed.
    const sourcesOnly = (source: string) =>
      !/(^|\/)(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate[^/]*)$/.test(source);
    for (const dir of ["terraform", "config", "queries"]) {
      cpSync(path.join(ROOT, dir), path.join(workDir, dir), {
        recursive: true,
        filter: sourcesOnly,
      });
    }
    // Only the zips, each replaced by a rename: a build running beside this one (the
    // build-artifacts test) leaves temporary files in dist/ that a folder copy could meet.
    mkdirSync(path.join(workDir, "dist"));
    for (const zip of ZIPS)
      copyFileSync(path.join(ROOT, "dist", zip), path.join(workDir, "dist", zip));
    tfDir = path.join(workDir, "terraform");
    const override = readFileSync(
      path.join(ROOT, "test/fixtures/terraform/moto_override.tf"),
      "utf8",
    ).replaceAll("MOTO_ENDPOINT", moto.endpoint);
    writeFileSync(path.join(tfDir, "moto_override.tf"), override);

    // TF_CLI_CONFIG_FILE comes from the environment (the Makefile exports it when the machine
    // has a provider mirror); without it, init downloads the provider once into a cache of its
    // own: Terraform's cache is not safe for two inits at once, and make test runs
    // scripts/terraform/test.sh beside Jest.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    };
    if (!env.TF_CLI_CONFIG_FILE) {
      env.TF_PLUGIN_CACHE_DIR = path.join(ROOT, ".tfcli/plugin-cache-moto");
      mkdirSync(env.TF_PLUGIN_CACHE_DIR, { recursive: true });
    }
    terraform = async (...args: string[]) => {
      try {
        const { stdout } = await run("terraform", args, {
          cwd: tfDir,
          env,
          maxBuffer: 256 * 1024 * 1024,
          // The provider retries a 5xx for many minutes: fail well before Jest's timeout, with
          // moto's errors in the message.
          timeout: 480_000,
        });
        return stdout;
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        const motoErrors = (moto?.log() ?? "")
          .split("\n")
          .filter((line) => /Error|Exception| 5\d\d -$/.test(line))
          .slice(-20)
          .join("\n");
        throw new Error(
          `terraform ${args[0]} failed:\n${stderr ?? ""}\n${(stdout ?? "").slice(-8000)}\n` +
            `moto's last errors:\n${motoErrors}`,
          { cause: error },
        );
      }
    };

    await timed("init", () => terraform("init", "-backend=false", "-input=false", "-no-color"));
    await timed("plan", () =>
      terraform("plan", "-input=false", "-no-color", "-out=plan.tfplan", ...VARS),
    );
    const plan = JSON.parse(await terraform("show", "-json", "plan.tfplan")) as {
      resource_changes: { address: string; mode: string; change: { actions: string[] } }[];
    };
    planned = plan.resource_changes
      .filter((change) => change.mode === "managed" && change.change.actions.includes("create"))
      .map((change) => change.address)
      .sort();
    targets = planned.filter((address) => !(resourceOf(address) in MOTO_CANNOT));

    await timed("apply", () =>
      terraform(
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        ...targets.map((address) => `-target=${address}`),
        ...VARS,
      ),
    );
    outputs = JSON.parse(await terraform("output", "-json")) as typeof outputs;
    const shown = JSON.parse(await terraform("show", "-json")) as {
      values?: { root_module?: StateModule };
    };
    state = stateResources(shown.values?.root_module);
  }, 900_000);

  afterAll(async () => {
    console.log(`moto apply test, wall time per step (ms): ${JSON.stringify(timings)}`);
    await moto?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it("applies every planned resource except those moto cannot do", () => {
    // Each exclusion names a resource the plan has: a renamed one must be looked at again.
    for (const excluded of Object.keys(MOTO_CANNOT)) {
      expect(planned.map(resourceOf)).toContain(excluded);
    }
    const created = state
      .filter((resource) => resource.mode === "managed")
      .map((resource) => resource.address)
      .sort();
    expect(created).toEqual(targets);
    expect(targets.length).toBeGreaterThan(40);
  });

  it("gives its queues and trigger the settings the local mode reads (config/queue-settings.json)", async () => {
    // Prepare
    const settings = loadQueueSettings();
    const attributesOf = async (queueUrl: string, names: string[]) =>
      (
        await clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: names as QueueAttributeName[],
          }),
        )
      ).Attributes ?? {};
    const redrive = (attributes: Record<string, string>) => {
      const policy = JSON.parse(attributes.RedrivePolicy ?? "{}") as Record<string, unknown>;
      return {
        ...attributes,
        RedrivePolicy: { ...policy, maxReceiveCount: Number(policy.maxReceiveCount) },
      };
    };
    const local = {
      ingest: ingestQueueAttributes(settings, output("dead_letter_queue_arn")),
      deadLetter: deadLetterQueueAttributes(settings),
    };

    // Act
    const ingest = await attributesOf(output("ingest_queue_url"), Object.keys(local.ingest));
    const deadLetter = await attributesOf(
      output("dead_letter_queue_url"),
      Object.keys(local.deadLetter),
    );
    // moto matches no mapping by FunctionName: list them all, keep the queue's.
    const mappings = (
      await clients.lambda.send(new ListEventSourceMappingsCommand({}))
    ).EventSourceMappings?.filter((m) => m.EventSourceArn === output("ingest_queue_arn"));

    // Assess
    expect(redrive(ingest)).toEqual(redrive(local.ingest));
    expect(deadLetter).toEqual(local.deadLetter);
    expect(mappings?.map((m) => m.BatchSize)).toEqual([settings.batchSize]);
  });

  it("sends a snapshot through the notification, the queue and the built transform", async () => {
    const bucket = output("data_bucket_name");
    const queueUrl = output("ingest_queue_url");
    const queueArn = output("ingest_queue_arn");
    const { s3, sqs } = clients;

    // moto ignores a bucket policy's Conditions (s3/models.py, put_bucket_policy: "Conditions
    // are not taken into account"), so the TLS-only Deny denies every object request, over TLS
    // or not: PutObject answers 403. Terraform removes that one resource before the data run.
    const policy = state.find(
      (r) =>
        r.type === "aws_s3_bucket_policy" && r.mode === "managed" && r.values.bucket === bucket,
    );
    expect(policy).toBeDefined();
    await timed("destroy bucket policy", () =>
      terraform(
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        `-target=${policy!.address}`,
        ...VARS,
      ),
    );

    // moto posts an s3:TestEvent when the notification is put; nothing else is queued yet.
    const before = await receiveAll(sqs, queueUrl, 1);
    expect(before.length).toBeGreaterThan(0);
    for (const message of before) {
      expect(parseS3NotificationMessage(message.Body ?? "").kind).toBe("test_event");
    }
    await deleteAll(sqs, queueUrl, before);

    const key = rawKeyFor(capture.id, new Date(EXTRACTED_AT));
    const snapshot = {
      source: "spotify",
      extracted_at: EXTRACTED_AT,
      playlist: {
        id: capture.id,
        name: capture.name,
        snapshot_id: capture.snapshot_id,
        owner_id: capture.owner.id,
        total: capture.tracks.total,
      },
      market: null,
      items: capture.tracks.items,
    };
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(snapshot),
        ContentType: "application/json",
      }),
    );
    const messages = await receiveAll(sqs, queueUrl, 1);
    expect(notifiedKeys(messages)).toEqual([key]);

    const { response, logs } = await invokeTransform(messages, queueArn);
    expect(response).toEqual({ batchItemFailures: [] });
    // Glue's StartCrawler is in moto: the handler's crawler call succeeds there.
    expect(logs).toContain("Glue crawler started");

    const expectedKeys = TABLE_NAMES.map((table) =>
      transformedKeyFor(table, SNAPSHOT_DATE, key),
    ).sort();
    expect(await listKeys(s3, bucket, TRANSFORMED_PREFIX)).toEqual(expectedKeys);
    expect(await listKeys(s3, bucket, layout.rawPrefix)).toEqual([processedKeyFor(key)]);

    const entries = capture.tracks.items;
    const songs = await readTable(bucket, "songs", SNAPSHOT_DATE, key);
    expect(songs.map((row) => [row.position, row.song_id, row.song_name])).toEqual(
      entries.map((entry, i) => [i + 1, entry.track.id, entry.track.name]),
    );
    expect(new Set(songs.map((row) => row.playlist_id))).toEqual(new Set([capture.id]));
    const albums = await readTable(bucket, "albums", SNAPSHOT_DATE, key);
    expect(albums.map((row) => row.album_id).sort()).toEqual(
      [...new Set(entries.map((entry) => entry.track.album.id))].sort(),
    );
    const artists = await readTable(bucket, "artists", SNAPSHOT_DATE, key);
    expect(artists.map((row) => row.artist_id).sort()).toEqual(
      [
        ...new Set(
          entries.flatMap((entry) =>
            [...entry.track.artists, ...entry.track.album.artists].map((artist) => artist.id),
          ),
        ),
      ].sort(),
    );
    const playlists = await readTable(bucket, "playlists", SNAPSHOT_DATE, key);
    expect(playlists).toEqual([
      expect.objectContaining({
        playlist_id: capture.id,
        playlist_name: capture.name,
        snapshot_id: capture.snapshot_id,
        total_items: capture.tracks.total,
        entries_read: entries.length,
        songs_written: entries.length,
        entries_skipped: 0,
        source_key: key,
      }),
    ]);
  }, 120_000);

  it("delivers a chart export's notification, which the transform turns into chart_positions", async () => {
    const bucket = output("data_bucket_name");
    const queueUrl = output("ingest_queue_url");
    const { s3, sqs } = clients;

    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: CHART_KEY,
        Body: CHART_CSV,
        ContentType: "text/csv",
      }),
    );
    const messages = await receiveAll(sqs, queueUrl, 1);
    expect(notifiedKeys(messages)).toEqual([CHART_KEY]);

    const { response } = await invokeTransform(messages, output("ingest_queue_arn"));
    expect(response).toEqual({ batchItemFailures: [] });
    const rows = await readTable(bucket, CHART_TABLE_NAME, "2026-11-30", CHART_KEY);
    expect(rows.map((row) => [row.chart, row.rank, row.song_id, row.previous_rank])).toEqual([
      ["regional-global-daily", 1, "2plbrEY59IikOBgBGLjaoe", 1],
      ["regional-global-daily", 2, "6dOtVTDdiauQNBQEDOtlAB", null],
    ]);
  }, 120_000);

  it("queues nothing for a .txt under the prefix or a .json outside it", async () => {
    const bucket = output("data_bucket_name");
    const { s3, sqs } = clients;
    for (const key of ["raw_data/to_process/notes.txt", "elsewhere/snapshot.json"]) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{}" }));
    }
    // moto delivers while it answers PutObject; a 3-second long poll is a generous bound.
    expect(await receiveAll(sqs, output("ingest_queue_url"), 3)).toEqual([]);
  }, 60_000);

  it("destroys everything it applied, leaving nothing behind in moto", async () => {
    // moto 5.2.5 cannot delete a key that has a delete marker once versioning is suspended
    // (AttributeError: 'FakeDeleteMarker' object has no attribute 'dispose', in s3/utils.py
    // _VersionedKeyStore.pop), and destroy suspends it (aws_s3_bucket_versioning) before
    // force_destroy empties the bucket. So the test deletes what it wrote, every version and
    // delete marker, while versioning is still on.
    await emptyVersionedBucket(clients.s3, output("data_bucket_name"));
    await timed("destroy", () =>
      terraform(
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        ...targets.map((address) => `-target=${address}`),
        ...VARS,
      ),
    );
    const shown = JSON.parse(await terraform("show", "-json")) as {
      values?: { root_module?: StateModule };
    };
    const managed = stateResources(shown.values?.root_module).filter((r) => r.mode === "managed");
    expect(managed.map((r) => r.address)).toEqual([]);
    expect(await leftovers(clients)).toEqual({
      buckets: [],
      queues: [],
      functions: [],
      eventSourceMappings: [],
      roles: [],
      policies: [],
      logGroups: [],
      alarms: [],
      dashboards: [],
      secrets: [],
      crawlers: [],
      databases: [],
      topics: [],
      schedules: [],
      rules: [],
      aliases: [],
      workgroups: ["primary"],
      // KMS cannot delete a key at once: destroy schedules its deletion (7-30 days).
      keysNotPendingDeletion: [],
    });
  }, 900_000);

  /**
   * Invokes dist/transform.zip's handler in a Node process of its own with the environment
   * Terraform gave the function (from the state), the AWS SDK pointed at moto.
   */
  async function invokeTransform(
    messages: Message[],
    queueArn: string,
  ): Promise<{ response: SQSBatchResponse; logs: string }> {
    const functionName = output("transform_function_name");
    const fn = state.find(
      (r) => r.type === "aws_lambda_function" && r.values.function_name === functionName,
    );
    if (!fn) throw new Error(`no aws_lambda_function ${functionName} in the state`);
    const [environment] = fn.values.environment as { variables: Record<string, string> }[];
    const dir = mkdtempSync(path.join(workDir, "transform-"));
    const entries = await readZipEntries(path.join(workDir, "dist/transform.zip"));
    const handlerFile = String(fn.values.handler).replace(/\.[^.]+$/, ".mjs");
    writeFileSync(path.join(dir, handlerFile), entries.get(handlerFile)!);
    writeFileSync(
      path.join(dir, "event.json"),
      JSON.stringify(lambdaSqsEventFor(messages, queueArn)),
    );
    const { stdout } = await run(
      path.join(ROOT, "node_modules/.bin/tsx"),
      [
        path.join(ROOT, "test/support/invoke-handler.ts"),
        path.join(dir, handlerFile),
        functionName,
        String(fn.values.timeout),
        path.join(dir, "event.json"),
        path.join(dir, "response.json"),
      ],
      {
        env: {
          PATH: process.env.PATH,
          ...environment?.variables,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_ENDPOINT_URL: moto!.endpoint,
          AWS_LAMBDA_FUNCTION_NAME: functionName,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const response = JSON.parse(
      readFileSync(path.join(dir, "response.json"), "utf8"),
    ) as SQSBatchResponse;
    return { response, logs: stdout };
  }

  /** The rows of one table's Parquet file for `rawKey`, read from moto's S3 with DuckDB. */
  async function readTable(
    bucket: string,
    table: LakeTableName,
    date: string,
    rawKey: string,
  ): Promise<Record<string, unknown>[]> {
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: transformedKeyFor(table, date, rawKey) }),
    );
    return (await readParquet(await object.Body!.transformToByteArray())).rows;
  }
});

/** SDK clients of every service the configuration uses, pointed at moto. */
function clientsFor(endpoint: string) {
  const config = {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: cloudWatchQuery(endpoint),
    secrets: new SecretsManagerClient(config),
    glue: new GlueClient(config),
    sns: new SNSClient(config),
    scheduler: new SchedulerClient(config),
    events: new EventBridgeClient(config),
    kms: new KMSClient(config),
    athena: new AthenaClient(config),
  };
}

/**
 * One CloudWatch read through the awsQuery protocol, returning the values of the XML element
 * `element` in the answer. The project's @aws-sdk/client-cloudwatch speaks JSON 1.0, which
 * moto 5.2.5 refuses ("Unsupported protocol [json] for service cloudwatch"); the Terraform
 * provider still uses awsQuery.
 */
function cloudWatchQuery(endpoint: string) {
  return async (action: string, element: string): Promise<string[]> => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        // moto routes by the signed service name.
        authorization:
          "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: new URLSearchParams({ Action: action, Version: "2010-08-01" }),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`CloudWatch ${action}: HTTP ${response.status} ${body}`);
    return [...body.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, "g"))].map(
      (match) => match[1]!,
    );
  };
}

/** Receives until the queue answers empty, each receive long-polling `waitSeconds`. */
async function receiveAll(sqs: SQSClient, queueUrl: string, waitSeconds: number) {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

async function deleteAll(sqs: SQSClient, queueUrl: string, messages: Message[]) {
  for (const { ReceiptHandle } of messages) {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }));
  }
}

/** The object keys the S3 notifications in `messages` name, in order. */
function notifiedKeys(messages: Message[]): string[] {
  return messages.flatMap((message) => {
    const parsed = parseS3NotificationMessage(message.Body ?? "");
    return parsed.kind === "test_event" ? ["s3:TestEvent"] : parsed.objects.map((o) => o.key);
  });
}

/** Deletes every object version and delete marker in `bucket`. */
async function emptyVersionedBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map(
      ({ Key, VersionId }) => ({ Key, VersionId }),
    );
    if (objects.length === 0) return;
    const { Errors = [] } = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }),
    );
    if (Errors.length > 0) throw new Error(`DeleteObjects: ${JSON.stringify(Errors)}`);
  }
}

/** What is left in moto, per kind of resource the configuration creates. */
async function leftovers(c: ReturnType<typeof clientsFor>) {
  const keys = (await c.kms.send(new ListKeysCommand({}))).Keys ?? [];
  const keyStates = await Promise.all(
    keys.map(async ({ KeyId }) => {
      const { KeyMetadata } = await c.kms.send(new DescribeKeyCommand({ KeyId }));
      return { id: KeyId!, state: KeyMetadata?.KeyState, manager: KeyMetadata?.KeyManager };
    }),
  );
  return {
    buckets: ((await c.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name),
    queues: (await c.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [],
    functions: ((await c.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map(
      (f) => f.FunctionName,
    ),
    eventSourceMappings: (
      (await c.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []
    ).map((m) => m.UUID),
    roles: ((await c.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName),
    policies: ((await c.iam.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies ?? []).map(
      (p) => p.PolicyName,
    ),
    logGroups: ((await c.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map(
      (g) => g.logGroupName,
    ),
    alarms: await c.cloudwatch("DescribeAlarms", "AlarmName"),
    dashboards: await c.cloudwatch("ListDashboards", "DashboardName"),
    secrets: ((await c.secrets.send(new ListSecretsCommand({}))).SecretList ?? []).map(
      (s) => s.Name,
    ),
    crawlers: ((await c.glue.send(new GetCrawlersCommand({}))).Crawlers ?? []).map((x) => x.Name),
    databases: ((await c.glue.send(new GetDatabasesCommand({}))).DatabaseList ?? []).map(
      (d) => d.Name,
    ),
    topics: ((await c.sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn),
    schedules: ((await c.scheduler.send(new ListSchedulesCommand({}))).Schedules ?? []).map(
      (s) => s.Name,
    ),
    rules: ((await c.events.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name),
    // moto lists AWS-managed aliases (alias/aws/...) it creates itself.
    aliases: ((await c.kms.send(new ListAliasesCommand({}))).Aliases ?? [])
      .map((a) => a.AliasName)
      .filter((name) => !name?.startsWith("alias/aws/")),
    workgroups: ((await c.athena.send(new ListWorkGroupsCommand({}))).WorkGroups ?? []).map(
      (w) => w.Name,
    ),
    keysNotPendingDeletion: keyStates
      .filter((key) => key.manager !== "AWS" && key.state !== "PendingDeletion")
      .map((key) => `${key.id} (${key.state})`),
  };
}
