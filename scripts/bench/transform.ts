/**
 * `make bench` (transform part): a year's backlog, 365 raw snapshots of the real Top 50
 * capture (compact JSON, one per day), through the built `dist/transform.zip` handler in
 * batches of 10 read from SQS, against the in-process S3/SQS emulator; and one batch of ten
 * snapshots of a 10,000-entry playlist, as Lambda runs the handler; and, for a comparison on the
 * same machine, the same S3 requests with no transform (the emulator traffic's floor), the
 * transform-files CLI and a Python stand-in for the tutorials' transform
 * (scripts/bench/transform-tutorial-baseline.py). Each phase runs in a
 * plain `node` process of its own (this script bundled, no TypeScript loader), so its peak RSS is
 * its own. Prints a Markdown table for docs/BENCHMARKS.md.
 *
 * `--phase=NAME BACKLOG_DIR` runs one phase; BENCH_CPU_PROFILE_DIR writes a CPU profile of its
 * timed part and BENCH_HANDLER_NODE_OPTIONS passes V8 flags to the handler's own process.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { execFileSync, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import path from "node:path";
import { s3SnapshotStore } from "../../functions/extract/s3-snapshot-store";
import { objectCreatedMessage, parseS3NotificationMessage } from "../../functions/shared/s3-event";
import {
  extractedAtFromRawName,
  perTable,
  processedKeyFor,
  RAW_TO_PROCESS_PREFIX,
  rawKeyFor,
  TABLE_NAMES,
  transformedKeyFor,
} from "../../functions/shared/s3-layout";
import {
  cutMarketLists,
  normalizeSnapshot,
  parseSnapshotText,
} from "../../functions/transform/normalize-snapshot";
import { encodeTable } from "../../functions/transform/parquet";
import { maxRawObjectBytes } from "../../functions/transform/raw-bytes-budget";
import { LAKE_S3_CLIENT_CONFIG, S3LakeStore } from "../../functions/transform/s3-lake-store";
import { PARQUET_CONTENT_TYPE } from "../../functions/transform/transform-raw-object";
import { bundleScript } from "../lib/bundle-script";
import { expandInputs, transformFiles } from "../lib/transform-files";
import { readZipEntries } from "../lib/zip";
import { startEmulator } from "../local/emulator";
import { lambdaContext } from "../local/lambda-context";
import { loadQueueSettings } from "../local/queue-settings";
import { lambdaSqsEventFor } from "../local/sqs-event";
import {
  LAMBDA_MEMORY_MB,
  LAMBDA_NODE_MAJOR,
  lambdaNodeBinary,
  lambdaNodeFlags,
  lambdaVcpus,
} from "./lambda-runtime";
import { startLatencyProxy } from "./latency-proxy";
import { limitedCgroup, type LimitedCgroup } from "./lambda-cgroup";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ZIP = path.join(ROOT, "dist/transform.zip");
/** The Python stand-in for the tutorials' transform, run on the same backlog and machine. */
const TUTORIAL_BASELINE = path.join(ROOT, "scripts/bench/transform-tutorial-baseline.py");
const CAPTURE = path.join(ROOT, "test/fixtures/top50-global-2024-04-22.playlist.json");
const BATCH_SIZE = 10;
/** The emulator's bucket the phases use as the data lake. */
const BUCKET = "bench-lake";
/** The backlogs the phases read: a year of the daily chart, and a batch of large playlists. */
const BACKLOGS = {
  year: { days: 365, entries: 50 },
  // Spotify's largest playlist, ten of them in one batch: several large playlists snapshotted
  // by one daily run (the capture's entries repeated, 40 MB of JSON each).
  "large-playlists": { days: BATCH_SIZE, entries: 10_000 },
} as const;
type BacklogName = keyof typeof BACKLOGS;
const FIRST_DAY = Date.UTC(2025, 0, 1, 16, 0, 3, 123);

/** The memory docs/BENCHMARKS.md advises for 10,000-entry playlists, and the bench runs them with. */
const LARGE_PLAYLISTS_MEMORY_MB = 1024;

/** What the S3-latency phase adds to every S3 request: S3 answers in tens of milliseconds. */
const S3_LATENCY_MS = 20;

/** Runs of each phase (BENCH_REPEATS, default 3). */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
if (!Number.isInteger(REPEATS) || REPEATS < 1) {
  throw new Error(
    `BENCH_REPEATS must be a whole number of at least 1, got ${process.env.BENCH_REPEATS}`,
  );
}

interface PhaseResult {
  wallMs: number;
  snapshots: number;
  peakRssBytes: number;
  /** null when the handler ran in another process. */
  rssBeforeBytes: number | null;
  outputs: number;
  /** What the handler's process was held to as its Lambda function would be (all false: nothing). */
  limitedTo: { memory: boolean; cpu: boolean };
  /** Where the handler's own process had its memory when the run ended (null: no such process or not Linux). */
  memoryAtEnd: MemoryAtEnd | null;
  /** What ran the phase: node's version (the handler's own node where it had one), or Python's. */
  runtimeVersion: string;
}

/** What a process's resident memory is made of, in bytes (from /proc/self/smaps_rollup and V8). */
interface MemoryAtEnd {
  rss: number;
  /** V8's heap, all spaces, as resident. */
  v8Heap: number;
  /** Of it, the young generation's reserved size (both semi-spaces and new large objects). */
  v8YoungGeneration: number;
  /** Pages backed by files: mostly the node binary's code and data. */
  fileBacked: number;
}

/** Several runs of one phase. */
interface PhaseSummary {
  median: PhaseResult;
  fastestMs: number;
  slowestMs: number;
  highestPeakRssBytes: number;
}

/**
 * Writes a backlog to `dir`: one compact raw snapshot per day, each holding `entries` entries,
 * the capture's 50 repeated in order as often as it takes.
 */
async function writeBacklog(dir: string, { days, entries }: { days: number; entries: number }) {
  const [playlist] = JSON.parse(await readFile(CAPTURE, "utf8")) as {
    id: string;
    name: string;
    snapshot_id: string;
    owner: { id: string };
    tracks: { items: unknown[]; total: number };
  }[];
  const captured = playlist!.tracks.items;
  const items = Array.from({ length: entries }, (_, i) => captured[i % captured.length]);
  for (let day = 0; day < days; day++) {
    const extractedAt = new Date(FIRST_DAY + day * 86_400_000);
    const snapshot = {
      source: "spotify",
      extracted_at: extractedAt.toISOString(),
      playlist: {
        id: playlist!.id,
        name: playlist!.name,
        snapshot_id: playlist!.snapshot_id,
        owner_id: playlist!.owner.id,
        total: entries,
      },
      market: null,
      items,
    };
    await writeFile(
      path.join(dir, path.basename(rawKeyFor(playlist!.id, extractedAt))),
      JSON.stringify(snapshot),
    );
  }
}

/** Times `work`; the peak is the whole process's high-water mark (setup included). */
async function measure(
  work: () => Promise<number>,
): Promise<Pick<PhaseResult, "wallMs" | "outputs" | "rssBeforeBytes" | "peakRssBytes">> {
  global.gc?.();
  const rssBeforeBytes = process.memoryUsage().rss;
  const profiler = await startCpuProfile();
  const started = performance.now();
  const outputs = await work();
  const wallMs = performance.now() - started;
  await profiler?.stop();
  return { wallMs, outputs, rssBeforeBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/**
 * With BENCH_CPU_PROFILE_DIR set, a V8 CPU profile of the timed part only (setup excluded),
 * written there as `<pid>.cpuprofile` for Chrome DevTools or speedscope.
 */
async function startCpuProfile(): Promise<{ stop: () => Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    stop: async () => {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      await writeFile(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

type Invoke = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * The handler in a plain `node` child process of its own, as in Lambda: it gets each batch's
 * event over IPC and talks to the emulator in this process over HTTP. Its peak RSS is the
 * function's alone.
 */
const CHILD_RUNNER = `
import { readFileSync } from "node:fs";
import v8 from "node:v8";
const { handler } = await import(process.argv[2]);
const context = { functionName: "transform", awsRequestId: "bench", getRemainingTimeInMillis: () => 60000 };
function memoryAtEnd() {
  let rollup;
  try { rollup = readFileSync("/proc/self/smaps_rollup", "utf8"); } catch { return null; }
  const bytesOf = (name) => Number(rollup.match(new RegExp("^" + name + ": +([0-9]+) kB", "m"))?.[1] ?? NaN) * 1024;
  const spaces = v8.getHeapSpaceStatistics();
  const young = spaces.filter((s) => s.space_name.startsWith("new_")).reduce((sum, s) => sum + s.physical_space_size, 0);
  return { rss: bytesOf("Rss"), v8Heap: v8.getHeapStatistics().total_physical_size, v8YoungGeneration: young, fileBacked: bytesOf("Rss") - bytesOf("Anonymous") };
}
process.on("message", async (event) => {
  if (event === "done") {
    const reply = { peakRssBytes: process.resourceUsage().maxRSS * 1024, memoryAtEnd: memoryAtEnd(), runtimeVersion: process.version };
    return process.send(reply, () => process.exit(0));
  }
  process.send({ response: await handler(event, context) });
});
process.send({ ready: true });
`;

interface ChildHandler {
  invoke: Invoke;
  /** Ends the process after the run and returns what it measured of itself. */
  finish: () => Promise<Pick<PhaseResult, "peakRssBytes" | "memoryAtEnd" | "runtimeVersion">>;
  /** Ends the process whatever state it is in (after a failure). */
  kill: () => Promise<void>;
}

/** The exit code of the shell that starts the handler's process when it cannot join the cgroup. */
const CGROUP_JOIN_FAILED = 97;

async function startChildHandler(
  bundle: string,
  work: string,
  options: { node: string; nodeFlags: string[]; cgroup?: LimitedCgroup; s3Endpoint?: string },
): Promise<ChildHandler> {
  const runner = path.join(work, "runner.mjs");
  await writeFile(runner, CHILD_RUNNER);
  const { node, nodeFlags, cgroup, s3Endpoint } = options;
  // In a cgroup, a shell joins it and then execs node, so node starts inside the limits and
  // keeps the IPC channel fork() opened.
  // The procs files are fixed paths without spaces, so the list splits on them safely.
  const joinCgroup = `for f in $BENCH_CGROUP_PROCS; do echo $$ > "$f" || exit ${CGROUP_JOIN_FAILED}; done; exec "$@"`;
  const child = fork(runner, [bundle], {
    execPath: cgroup ? "/bin/sh" : node,
    execArgv: cgroup ? ["-c", joinCgroup, "sh", node, ...nodeFlags] : nodeFlags,
    env: {
      ...process.env,
      BENCH_CGROUP_PROCS: cgroup?.procsFiles.join(" ") ?? "",
      NODE_OPTIONS: "",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...(s3Endpoint ? { AWS_ENDPOINT_URL: s3Endpoint } : {}),
    },
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  // A crash (or a failure to join the cgroup) fails the run instead of leaving it waiting for
  // an answer. A clean exit only follows "done", whose answer settles the wait.
  const crashed = exited.then(([code, signal]) => {
    if (code === 0) return new Promise<never>(() => undefined);
    if (code === CGROUP_JOIN_FAILED)
      throw new Error(`the handler's process could not join ${cgroup!.procsFiles.join(" and ")}`);
    throw new Error(`the handler's process ended (${signal ?? `code ${code}`}) before it answered`);
  });
  crashed.catch(() => undefined); // reported through the races below, not as unhandled
  const next = () =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve) => {
        child.once("message", (message) => resolve(message as Record<string, unknown>));
      }),
      crashed,
    ]);
  const ask = async (message: unknown) => {
    const reply = next();
    reply.catch(() => undefined); // if the send fails, its error is the one to report
    await new Promise<void>((resolve, reject) =>
      child.send(message as object, (error) => (error ? reject(error) : resolve())),
    );
    return reply;
  };
  await next(); // ready
  return {
    invoke: async (event) => (await ask(event)).response as SQSBatchResponse,
    finish: async () => {
      const { peakRssBytes, memoryAtEnd, runtimeVersion } = await ask("done");
      await exited; // a cgroup can be removed only once it is empty
      return {
        peakRssBytes: peakRssBytes as number,
        memoryAtEnd: memoryAtEnd as MemoryAtEnd | null,
        runtimeVersion: runtimeVersion as string,
      };
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** How a handler run is set up. */
interface HandlerSetup {
  /** The handler in a node process of its own; else beside the emulator, in this process. */
  ownProcess: boolean;
  /**
   * The process as a Lambda function of this many MB gets it: the runtime's Node.js major and
   * V8 flags, in a cgroup of that memory and of the CPU share Lambda gives it, where this
   * machine allows one (Linux, root). null: a plain node process.
   */
  lambdaMemoryMb: number | null;
  /** Milliseconds every S3 request waits (0: the emulator's own speed). */
  s3LatencyMs: number;
  backlog: BacklogName;
  /**
   * What answers each batch: the handler, or only the S3 requests it makes, in this process
   * (see s3TrafficOnly): what the emulator's traffic alone costs, the floor under the handler.
   */
  runs: "handler" | "s3-traffic-only";
}

/** The handler phases, by phase name. */
const HANDLER_PHASES = {
  handler: {
    runs: "handler",
    ownProcess: false,
    lambdaMemoryMb: null,
    s3LatencyMs: 0,
    backlog: "year",
  },
  "s3-traffic-only": {
    runs: "s3-traffic-only",
    ownProcess: false,
    lambdaMemoryMb: null,
    s3LatencyMs: 0,
    backlog: "year",
  },
  "handler-own-process": {
    runs: "handler",
    ownProcess: true,
    lambdaMemoryMb: null,
    s3LatencyMs: 0,
    backlog: "year",
  },
  "handler-as-lambda": {
    runs: "handler",
    ownProcess: true,
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
    s3LatencyMs: 0,
    backlog: "year",
  },
  "handler-as-lambda-s3-latency": {
    runs: "handler",
    ownProcess: true,
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
    s3LatencyMs: S3_LATENCY_MS,
    backlog: "year",
  },
  // At 512 MB ten of them completed at 490 MB peaks in trial runs: too close to rely on, so
  // the docs advise 1024 MB for playlists this large, and the bench measures that.
  "large-playlists-as-lambda": {
    runs: "handler",
    ownProcess: true,
    lambdaMemoryMb: LARGE_PLAYLISTS_MEMORY_MB,
    s3LatencyMs: 0,
    backlog: "large-playlists",
  },
} satisfies Record<string, HandlerSetup>;

/** The Python stand-in's phase: optional, run only where a python3 with pandas is. */
const TUTORIAL_PHASE = "tutorial-baseline";
type PhaseName = keyof typeof HANDLER_PHASES | "files" | typeof TUTORIAL_PHASE;

async function handlerPhase(backlogDir: string, setup: HandlerSetup): Promise<PhaseResult> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const { server, s3, sqs, stop, endpoint } = await startEmulator();
    cleanups.push(stop);
    process.env.DATA_BUCKET = BUCKET;
    process.env.POWERTOOLS_LOG_LEVEL = "WARN";
    server.createBucket(BUCKET);
    const queue = server.createQueue("bench-ingest", { attributes: { VisibilityTimeout: "360" } });

    // Setup (not timed): the backlog is already in the bucket and its notifications on the queue.
    const names = (await readdir(backlogDir)).sort();
    const rawStore = s3SnapshotStore(s3, BUCKET); // multipart for large snapshots
    for (let i = 0; i < names.length; i += BATCH_SIZE) {
      const entries = [];
      for (const [j, name] of names.slice(i, i + BATCH_SIZE).entries()) {
        const key = RAW_TO_PROCESS_PREFIX + name;
        const body = await readFile(path.join(backlogDir, name), "utf8");
        await rawStore.putJson(key, body);
        entries.push({
          Id: String(j),
          MessageBody: objectCreatedMessage({
            bucket: BUCKET,
            key,
            size: Buffer.byteLength(body),
          }),
        });
      }
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.queueUrl, Entries: entries }));
      global.gc?.(); // the upload's garbage is the setup's, not the transform's
    }

    const work = await mkdtemp(path.join(tmpdir(), "bench-transform-"));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const bundle = path.join(work, "index.mjs");
    await writeFile(bundle, (await readZipEntries(ZIP)).get("index.mjs")!);
    let invoke: Invoke;
    let finish: ChildHandler["finish"] | undefined;
    const { lambdaMemoryMb } = setup;
    const cgroup = lambdaMemoryMb
      ? await limitedCgroup({ memoryMb: lambdaMemoryMb, vcpus: lambdaVcpus(lambdaMemoryMb) })
      : undefined;
    if (cgroup) cleanups.push(cgroup.remove);
    if (setup.runs === "s3-traffic-only") {
      invoke = await s3TrafficOnly(path.join(backlogDir, names[0]!));
    } else if (setup.ownProcess) {
      const latency = setup.s3LatencyMs
        ? await startLatencyProxy(endpoint, setup.s3LatencyMs)
        : undefined;
      if (latency) cleanups.push(latency.stop);
      const child = await startChildHandler(bundle, work, {
        node: lambdaMemoryMb ? lambdaNodeBinary(ROOT) : process.execPath,
        nodeFlags: [
          ...(lambdaMemoryMb ? lambdaNodeFlags(lambdaMemoryMb) : []),
          ...(process.env.BENCH_HANDLER_NODE_OPTIONS ?? "").split(" ").filter(Boolean),
        ],
        cgroup,
        s3Endpoint: latency?.url,
      });
      cleanups.push(child.kill);
      ({ invoke, finish } = child);
    } else {
      const { handler } = (await import(bundle)) as {
        handler: (
          event: SQSEvent,
          context: ReturnType<typeof lambdaContext>,
        ) => Promise<SQSBatchResponse>;
      };
      invoke = (event) => handler(event, lambdaContext("transform"));
    }

    let transformed = 0;
    const result = await measure(async () => {
      while (transformed < names.length) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: BATCH_SIZE }),
        );
        if (Messages.length === 0) throw new Error(`queue drained after ${transformed} snapshots`);
        const response = await invoke(lambdaSqsEventFor(Messages, queue.queueArn));
        if (response.batchItemFailures.length)
          throw new Error(`failures: ${JSON.stringify(response.batchItemFailures)}`);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.queueUrl,
            Entries: Messages.map((message, i) => ({
              Id: String(i),
              ReceiptHandle: message.ReceiptHandle!,
            })),
          }),
        );
        transformed += Messages.length;
      }
      return 0;
    });
    let outputs = 0;
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: "transformed_data/",
          ContinuationToken: token,
        }),
      );
      outputs += page.KeyCount ?? 0;
      token = page.NextContinuationToken;
    } while (token);
    const limitedTo = { memory: cgroup !== undefined, cpu: cgroup?.cpuLimited ?? false };
    const common = { outputs, snapshots: transformed, limitedTo };
    return finish
      ? { ...result, ...common, ...(await finish()), rssBeforeBytes: null }
      : { ...result, ...common, memoryAtEnd: null, runtimeVersion: process.version };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/**
 * Stands in for the handler with the S3 requests it makes for each record and nothing else:
 * the records of a batch side by side, each read through the handler's store, its four tables
 * written (Parquet files encoded once, beforehand, from the first snapshot) and the raw object
 * moved. The transform's own work is all that is left out.
 */
async function s3TrafficOnly(firstSnapshot: string): Promise<Invoke> {
  const firstKey = RAW_TO_PROCESS_PREFIX + path.basename(firstSnapshot);
  const text = await readFile(firstSnapshot, "utf8");
  const { tables } = normalizeSnapshot(parseSnapshotText(cutMarketLists(text), firstKey), {
    key: firstKey,
    lastModified: new Date(FIRST_DAY),
  });
  const files = perTable((table) => encodeTable(table, tables[table]));
  const store = new S3LakeStore(new S3Client(LAKE_S3_CLIENT_CONFIG), BUCKET);
  const requestsFor = async (record: SQSRecord) => {
    const message = parseS3NotificationMessage(record.body);
    if (message.kind !== "objects") throw new Error(`unexpected message ${record.body}`);
    for (const { key } of message.objects) {
      if (!(await store.read(key))) throw new Error(`${key} is missing`);
      const date = extractedAtFromRawName(key)!.toISOString().slice(0, 10);
      await Promise.all(
        TABLE_NAMES.map((table) =>
          store.write(transformedKeyFor(table, date, key), files[table], PARQUET_CONTENT_TYPE),
        ),
      );
      await store.move(key, processedKeyFor(key));
    }
  };
  return async (event) => {
    await Promise.all(event.Records.map(requestsFor));
    return { batchItemFailures: [] };
  };
}

async function filesPhase(backlogDir: string): Promise<PhaseResult> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-files-"));
  const result = await measure(async () => {
    const results = await transformFiles(await expandInputs([backlogDir]), {
      outDir: path.join(work, "lake"),
    });
    if (results.some((r) => !r.ok)) throw new Error("a file failed");
    return results.length * TABLE_NAMES.length;
  });
  await rm(work, { recursive: true, force: true });
  return {
    ...result,
    snapshots: result.outputs / TABLE_NAMES.length,
    limitedTo: { memory: false, cpu: false },
    memoryAtEnd: null,
    runtimeVersion: process.version,
  };
}

/**
 * The Python stand-in for the tutorials' transform on the backlog, on local disk like theirs:
 * a whole `python3` run (start-up and pandas' import included, as when a tutorial's script is
 * run), timed from here; its peak RSS is what the script reports of itself.
 */
async function tutorialBaselinePhase(backlogDir: string): Promise<PhaseResult> {
  const python = process.env.BENCH_PYTHON;
  if (!python) throw new Error("BENCH_PYTHON must name a python3 that has pandas");
  const work = await mkdtemp(path.join(tmpdir(), "bench-tutorial-"));
  try {
    const started = performance.now();
    const output = execFileSync(python, [TUTORIAL_BASELINE, backlogDir, work]).toString();
    const wallMs = performance.now() - started;
    const { files, peakRssBytes } = JSON.parse(output) as { files: number; peakRssBytes: number };
    return {
      wallMs,
      snapshots: files,
      peakRssBytes,
      rssBeforeBytes: null,
      outputs: (await readdir(work)).length,
      limitedTo: { memory: false, cpu: false },
      memoryAtEnd: null,
      runtimeVersion: execFileSync(python, [
        "-c",
        "import sys, pandas; print(f'Python {sys.version.split()[0]}, pandas {pandas.__version__}')",
      ])
        .toString()
        .trim(),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A python3 with pandas for the tutorial stand-in: BENCH_PYTHON when set, else Debian's
 * (`/usr/bin/python3`, where its python3-pandas package goes) or the one on PATH. As root with
 * apt-get, installs python3-pandas once when none has pandas. undefined when there is still
 * none: the stand-in's row then says it was not run.
 */
function pythonWithPandas(): string | undefined {
  const candidates = [process.env.BENCH_PYTHON, "/usr/bin/python3", "python3"].filter(
    (python): python is string => Boolean(python),
  );
  const hasPandas = (python: string) => {
    try {
      execFileSync(python, ["-c", "import pandas"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  const present = candidates.find(hasPandas);
  if (present || process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return present;
  console.error("bench: installing python3-pandas (Debian) for the tutorial stand-in");
  const aptGet = (...args: string[]) =>
    execFileSync("apt-get", ["-q", ...args], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  try {
    aptGet("install", "-y", "python3-pandas");
  } catch {
    try {
      aptGet("update"); // a fresh machine may have no package lists yet
      aptGet("install", "-y", "python3-pandas");
    } catch {
      return undefined;
    }
  }
  return candidates.find(hasPandas);
}

async function coldImportMs(node: string): Promise<number[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-import-"));
  await writeFile(path.join(dir, "index.mjs"), (await readZipEntries(ZIP)).get("index.mjs")!);
  const times = Array.from({ length: 7 }, () =>
    Number(
      execFileSync(
        node,
        [
          "--input-type=module",
          "-e",
          `const t = performance.now(); await import(${JSON.stringify(path.join(dir, "index.mjs"))}); console.log(performance.now() - t);`,
        ],
        { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
      ).toString(),
    ),
  );
  await rm(dir, { recursive: true, force: true });
  return times.sort((a, b) => a - b);
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/**
 * A yardstick for the machine the bench ran on: milliseconds to JSON.parse the capture as
 * compact JSON (its 50 entries, as in a backlog snapshot), the median of 201 runs. Machines of
 * one kind differ, and a shared one varies by the hour; runs compare where their yardsticks do.
 */
async function parseYardstickMs(): Promise<number> {
  const text = JSON.stringify(JSON.parse(await readFile(CAPTURE, "utf8")));
  const times = Array.from({ length: 201 }, () => {
    const started = performance.now();
    JSON.parse(text);
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[100]!;
}

/**
 * Writes the backlogs and the phase script under `work`, then runs each phase REPEATS times in
 * a plain node process of its own. Wall time varies by a tenth from run to run on this
 * machine: a summary gives the median run, the range, and the highest peak RSS of all runs.
 */
async function runPhases(work: string, names: string[]): Promise<Record<string, PhaseSummary>> {
  const backlogDirectories = {} as Record<BacklogName, string>;
  for (const name of Object.keys(BACKLOGS) as BacklogName[]) {
    backlogDirectories[name] = path.join(work, `backlog-${name}`);
    await mkdir(backlogDirectories[name]);
    await writeBacklog(backlogDirectories[name], BACKLOGS[name]);
  }
  const backlogOf = (phase: string) =>
    backlogDirectories[
      phase in HANDLER_PHASES
        ? HANDLER_PHASES[phase as keyof typeof HANDLER_PHASES].backlog
        : "year"
    ];
  // Each phase runs this script again, bundled, in a plain node process of its own.
  const phaseScript = path.join(work, "bench-transform.mjs");
  await bundleScript(import.meta.filename, phaseScript);

  const runPhase = (name: string): PhaseResult =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ["--expose-gc", phaseScript, `--phase=${name}`, backlogOf(name)],
        {
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
          stdio: ["ignore", "pipe", "inherit"],
        },
      )
        .toString()
        .trim()
        .split("\n")
        .at(-1)!,
    ) as PhaseResult;
  const summarize = (name: string): PhaseSummary => {
    const runs = Array.from({ length: REPEATS }, () => runPhase(name));
    const sorted = runs.sort((a, b) => a.wallMs - b.wallMs);
    return {
      median: sorted[Math.floor(sorted.length / 2)]!,
      fastestMs: sorted[0]!.wallMs,
      slowestMs: sorted.at(-1)!.wallMs,
      highestPeakRssBytes: Math.max(...sorted.map((run) => run.peakRssBytes)),
    };
  };
  return Object.fromEntries(
    names.flatMap((name) => {
      try {
        return [[name, summarize(name)]];
      } catch (error) {
        // The stand-in is a comparison, not our code: its failure does not sink the bench.
        if (name !== TUTORIAL_PHASE) throw error;
        console.error(`bench: the Python stand-in failed: ${(error as Error).message}`);
        return [];
      }
    }),
  );
}

/** The function sizes whose largest transformable snapshot the bench finds. */
const SIZE_LIMIT_MEMORIES_MB = [512, 1024] as const;
/** Entry counts tried first, in order, until one fails; then halved between the last two. */
const SIZE_LIMIT_LADDER = [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000];
const SIZE_LIMIT_REFINE_STEPS = 3;

/** One try of one snapshot alone through the handler as a Lambda function. */
interface SizeTry {
  entries: number;
  bytes: number;
  ok: boolean;
  wallMs: number;
  peakRssBytes: number | null;
  /** Why it failed: the process killed (out of memory), a record failure, or the timeout. */
  failure?: string;
}

/** What the size-limit phase found for one memory size. */
interface SizeLimitResult {
  memoryMb: number;
  limitedTo: PhaseResult["limitedTo"];
  runtimeVersion: string;
  /** The default MAX_RAW_OBJECT_BYTES the handler derives at this memory. */
  defaultCapBytes: number;
  timeoutSeconds: number;
  tries: SizeTry[];
}

/**
 * The largest snapshot a function of `memoryMb` transforms: one snapshot alone per try, in a
 * fresh handler process held to the function's memory and CPU, with MAX_RAW_OBJECT_BYTES set
 * out of the way so nothing is refused. A try fails when the process dies (the cgroup's
 * out-of-memory kill), the record fails, or it takes longer than the function's timeout.
 */
async function sizeLimitPhase(memoryMb: number): Promise<SizeLimitResult> {
  const { server, s3, sqs, stop, endpoint } = await startEmulator();
  const work = await mkdtemp(path.join(tmpdir(), "bench-size-"));
  const timeoutSeconds = loadQueueSettings().transformTimeoutSeconds;
  try {
    process.env.DATA_BUCKET = BUCKET;
    process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
    process.env.MAX_RAW_OBJECT_BYTES = String(2 ** 40);
    process.env.POWERTOOLS_METRICS_DISABLED = "true"; // the children's EMF lines would drown the table
    server.createBucket(BUCKET);
    const queue = server.createQueue("bench-size");
    const bundle = path.join(work, "index.mjs");
    await writeFile(bundle, (await readZipEntries(ZIP)).get("index.mjs")!);
    const node = lambdaNodeBinary(ROOT);
    const nodeFlags = lambdaNodeFlags(memoryMb);
    const heapLimit = Number(
      execFileSync(node, [...nodeFlags, "-p", "v8.getHeapStatistics().heap_size_limit"]),
    );
    const rawStore = s3SnapshotStore(s3, BUCKET);
    const tries: SizeTry[] = [];
    let limitedTo: PhaseResult["limitedTo"] = { memory: false, cpu: false };
    let runtimeVersion = "";
    const attempt = async (entries: number): Promise<SizeTry> => {
      const dir = path.join(work, `backlog-${entries}`);
      await mkdir(dir);
      await writeBacklog(dir, { days: 1, entries });
      const [name] = await readdir(dir);
      const body = await readFile(path.join(dir, name!), "utf8");
      await rm(dir, { recursive: true });
      const key = RAW_TO_PROCESS_PREFIX + name!;
      await rawStore.putJson(key, body);
      const bytes = Buffer.byteLength(body);
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.queueUrl,
          Entries: [
            { Id: "0", MessageBody: objectCreatedMessage({ bucket: BUCKET, key, size: bytes }) },
          ],
        }),
      );
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 1 }),
      );
      const cgroup = await limitedCgroup({ memoryMb, vcpus: lambdaVcpus(memoryMb) });
      limitedTo = { memory: cgroup !== undefined, cpu: cgroup?.cpuLimited ?? false };
      const child = await startChildHandler(bundle, work, {
        node,
        nodeFlags,
        cgroup,
        s3Endpoint: endpoint,
      });
      const started = performance.now();
      try {
        const response = await child.invoke(lambdaSqsEventFor(Messages, queue.queueArn));
        const wallMs = performance.now() - started;
        const end = await child.finish();
        runtimeVersion = end.runtimeVersion;
        const failure = response.batchItemFailures.length
          ? "the record failed"
          : wallMs > timeoutSeconds * 1000
            ? `took longer than the ${timeoutSeconds} s timeout`
            : undefined;
        return {
          entries,
          bytes,
          ok: !failure,
          wallMs,
          peakRssBytes: end.peakRssBytes,
          ...(failure ? { failure } : {}),
        };
      } catch (error) {
        return {
          entries,
          bytes,
          ok: false,
          wallMs: performance.now() - started,
          peakRssBytes: null,
          failure: (error as Error).message,
        };
      } finally {
        await child.kill();
        await cgroup?.remove();
        await sqs
          .send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          )
          .catch(() => undefined);
        server.reset();
        server.createBucket(BUCKET);
        server.createQueue("bench-size");
      }
    };
    let lastOk = 0;
    let firstFailed: number | undefined;
    for (const entries of SIZE_LIMIT_LADDER) {
      const result = await attempt(entries);
      tries.push(result);
      console.error(
        `bench: ${memoryMb} MB, ${entries} entries (${mb(result.bytes)} MB): ${result.ok ? "ok" : result.failure}`,
      );
      if (!result.ok) {
        firstFailed = entries;
        break;
      }
      lastOk = entries;
    }
    for (let step = 0; firstFailed !== undefined && step < SIZE_LIMIT_REFINE_STEPS; step++) {
      const entries = Math.round((lastOk + firstFailed) / 2 / 500) * 500;
      if (entries <= lastOk || entries >= firstFailed) break;
      const result = await attempt(entries);
      tries.push(result);
      console.error(
        `bench: ${memoryMb} MB, ${entries} entries (${mb(result.bytes)} MB): ${result.ok ? "ok" : result.failure}`,
      );
      if (result.ok) lastOk = entries;
      else firstFailed = entries;
    }
    return {
      memoryMb,
      limitedTo,
      runtimeVersion,
      defaultCapBytes: maxRawObjectBytes({}, heapLimit),
      timeoutSeconds,
      tries: tries.sort((a, b) => a.entries - b.entries),
    };
  } finally {
    delete process.env.MAX_RAW_OBJECT_BYTES;
    await stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The size-limit phase's Markdown: the largest snapshot that transformed, per memory. */
function sizeLimitTable(results: SizeLimitResult[]): string {
  const lines = results.map((result) => {
    const ok = result.tries.filter((t) => t.ok).at(-1);
    const failed = result.tries.find((t) => !t.ok);
    const tried = result.tries
      .map(
        (t) =>
          `${t.entries.toLocaleString("en")} ${t.ok ? `ok (${(t.wallMs / 1000).toFixed(1)} s, ${mb(t.peakRssBytes ?? 0)} MB)` : "failed"}`,
      )
      .join("; ");
    return (
      `| ${result.memoryMb} MB (${cgroupLabel(result.memoryMb, result.limitedTo)}) | ` +
      `${ok ? `${ok.entries.toLocaleString("en")} entries, ${mb(ok.bytes)} MB` : "none"} | ` +
      `${failed ? `${failed.entries.toLocaleString("en")} entries, ${mb(failed.bytes)} MB: ${failed.failure}` : "none failed"} | ` +
      `${mb(result.defaultCapBytes)} MB | ${tried} |`
    );
  });
  return `Largest snapshot one function transforms alone (fresh process per try, node ${results[0]?.runtimeVersion}, timeout ${results[0]?.timeoutSeconds} s)

| function | largest that transformed | smallest that failed | default MAX_RAW_OBJECT_BYTES there | tries (entries: result, wall time, peak RSS) |
| --- | --- | --- | ---: | --- |
${lines.join("\n")}`;
}

/** How a Lambda row's process was held to its function's size, for its label. */
function cgroupLabel(memoryMb: number, limitedTo: PhaseResult["limitedTo"]): string {
  const vcpus = `${lambdaVcpus(memoryMb).toFixed(2)} vCPU`;
  if (!limitedTo.memory) return "no cgroup on this machine: neither its memory nor its CPU held";
  if (!limitedTo.cpu) return `in a ${memoryMb} MB memory cgroup, its CPU not held to ${vcpus}`;
  return `in a cgroup of ${memoryMb} MB and ${vcpus}, Lambda's CPU share for that memory`;
}

async function main(): Promise<void> {
  const [phaseArgument, backlogDir] = process.argv.slice(2);
  const phases: Record<string, () => Promise<PhaseResult>> = {
    ...Object.fromEntries(
      Object.entries(HANDLER_PHASES).map(([name, setup]) => [
        name,
        () => handlerPhase(backlogDir!, setup),
      ]),
    ),
    files: () => filesPhase(backlogDir!),
    [TUTORIAL_PHASE]: () => tutorialBaselinePhase(backlogDir!),
  };
  const sizeLimitPhases = Object.fromEntries(
    SIZE_LIMIT_MEMORIES_MB.map((memoryMb) => [
      `size-limit-${memoryMb}`,
      () => sizeLimitPhase(memoryMb),
    ]),
  );
  if (phaseArgument === "--size-limit") {
    // Only the size-limit search, printed as its table (`make bench` runs it after the rest).
    const found = [];
    for (const run of Object.values(sizeLimitPhases)) found.push(await run());
    return void console.log(sizeLimitTable(found));
  }
  if (phaseArgument) {
    const name = phaseArgument.replace(/^--phase=/, "");
    if (!phases[name])
      throw new Error(`unknown phase ${name}; phases: ${Object.keys(phases).join(", ")}`);
    return void console.log(JSON.stringify(await phases[name]()));
  }
  // Installed now, not inside a timed phase.
  const lambdaNode = lambdaNodeBinary(ROOT);
  const python = pythonWithPandas();
  if (python) process.env.BENCH_PYTHON = python;
  const yardstickBefore = await parseYardstickMs();
  // Everything the phases read lives in one temporary folder, removed however they end.
  const work = await mkdtemp(path.join(tmpdir(), "bench-transform-"));
  let summaries: Record<string, PhaseSummary>;
  try {
    const names = Object.keys(phases).filter((name) => python || name !== TUTORIAL_PHASE);
    summaries = await runPhases(work, names);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const { [TUTORIAL_PHASE]: tutorial, ...rest } = summaries;
  const results = rest as Record<Exclude<PhaseName, typeof TUTORIAL_PHASE>, PhaseSummary>;
  const imports = {
    lambda: await coldImportMs(lambdaNode),
    here: await coldImportMs(process.execPath),
  };
  const yardstickAfter = await parseYardstickMs();
  const zipBytes = (await stat(ZIP)).size;
  const bundleBytes = (await readZipEntries(ZIP)).get("index.mjs")!.length;
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const row = (
    label: string,
    { median, fastestMs, slowestMs, highestPeakRssBytes }: PhaseSummary,
  ) =>
    `| ${label} | ${median.snapshots} | ${seconds(median.wallMs)} s (${seconds(fastestMs)} to ${seconds(slowestMs)}) | ` +
    `${(median.snapshots / (median.wallMs / 1000)).toFixed(0)} | ${mb(highestPeakRssBytes)} MB | ` +
    `${median.rssBeforeBytes === null ? "n/a" : `${mb(median.rssBeforeBytes)} MB`} | ${median.outputs} |`;
  const asLambda = (phase: keyof typeof HANDLER_PHASES) => {
    const memoryMb = HANDLER_PHASES[phase].lambdaMemoryMb!;
    const summary = results[phase];
    return (
      `as a ${memoryMb} MB Lambda function runs it (node ${summary.median.runtimeVersion}, ` +
      `${lambdaNodeFlags(memoryMb).join(" ")}, ${cgroupLabel(memoryMb, summary.median.limitedTo)})`
    );
  };
  const handlerOptions = process.env.BENCH_HANDLER_NODE_OPTIONS;
  const handlerOptionsNote = handlerOptions
    ? `\nBENCH_HANDLER_NODE_OPTIONS="${handlerOptions}": every own-process row also passed these, after the flags its label names`
    : "";
  const importLine = (times: number[]) =>
    `median ${times[3]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times[6]!.toFixed(0)} ms`;
  const ownProcessPhases = Object.entries(HANDLER_PHASES).filter(([, setup]) => setup.ownProcess);
  const memoryLines = ownProcessPhases.flatMap(([name]) => {
    const end = results[name as keyof typeof HANDLER_PHASES].median.memoryAtEnd;
    if (!end) return [];
    return [
      `- ${name}: RSS ${mb(end.rss)} MB = V8 heap ${mb(end.v8Heap)} MB (young generation ` +
        `${mb(end.v8YoungGeneration)} MB) + file-backed pages ${mb(end.fileBacked)} MB (the node ` +
        `binary) + other ${mb(end.rss - end.v8Heap - end.fileBacked)} MB (malloc, buffers, stacks)`,
    ];
  });
  console.log(`
Transform benchmark, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import("node:os")).cpus().length} cores, ${REPEATS} runs of each${handlerOptionsNote}
Machine yardstick (JSON.parse of the capture, compact, median of 201): ${yardstickBefore.toFixed(2)} ms before the phases, ${yardstickAfter.toFixed(2)} ms after

| run | snapshots | wall time, median (range) | snapshots/s | highest peak RSS of the process running the handler | RSS when the run started | files written |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${row("handler (dist/transform.zip), batches of 10 from SQS, fauxqs in process", results.handler)}
${row("the same, the handler in a plain node process of its own, V8 sized by Node for this machine", results["handler-own-process"])}
${row(`the same, ${asLambda("handler-as-lambda")}`, results["handler-as-lambda"])}
${row(`the same as a Lambda function, every S3 request ${S3_LATENCY_MS} ms late (S3's latency, not the emulator's)`, results["handler-as-lambda-s3-latency"])}
${row("no transform, only the S3 requests the handler makes, the same batches from SQS, in one process: the floor under the one-process handler row", results["s3-traffic-only"])}
${row("transform-files CLI, local disk", results.files)}
${tutorial ? row(`Python stand-in for the tutorials' transform (${tutorial.median.runtimeVersion}, CSV, local disk; not a tutorial's own code)`, tutorial) : `| Python stand-in for the tutorials' transform: ${python ? "failed, see the error above" : "not run, no python3 with pandas (Debian: apt-get install python3-pandas)"} | | | | | | |`}

Large playlists: ${BACKLOGS["large-playlists"].days} snapshots of a ${BACKLOGS["large-playlists"].entries.toLocaleString("en")}-entry playlist in one batch

| run | snapshots | wall time, median (range) | snapshots/s | highest peak RSS of the process running the handler | RSS when the run started | files written |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${row(asLambda("large-playlists-as-lambda"), results["large-playlists-as-lambda"])}

dist/transform.zip: ${(zipBytes / 1024).toFixed(0)} KiB zipped, index.mjs ${(bundleBytes / 1024).toFixed(0)} KiB
cold import of index.mjs (fresh node process, 7 runs): node ${LAMBDA_NODE_MAJOR} (Lambda's) ${importLine(imports.lambda)}; node ${process.version} ${importLine(imports.here)}

Memory of the handler's own process when the median run ended:
${memoryLines.join("\n")}
`);
}

await main();
