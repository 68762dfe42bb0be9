/**
 * `make demo` (and `make demo-failure`): the whole pipeline on this machine, no AWS account
 * and no Spotify credentials needed. Flags: --with-poison-message, --days N, --lake DIR,
 * --charts-dir DIR (where the chart exports it imports are written).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { formatTable } from "./lib/print-table";
import { listNamedQueries, statementOf } from "./lib/named-queries";
import { openLakeCatalog } from "./local/lake-catalog";
import {
  deadLetteredKeys,
  exportLake,
  importDemoChartFiles,
  listKeys,
  putPoisonObject,
  runExtract,
  runTransform,
  startLocalInfrastructure,
  startSpotifySource,
  POISON_KEY,
  type ExtractRun,
} from "./local/pipeline";
import { demoFailures } from "./local/demo-outcome";
import { LOCAL_DEMO_CHARTS_DIR, LOCAL_LAKE_DIR } from "./local/paths";
import { DEMO_DAYS } from "./local/demo-charts";
import { writeLocalReport, type WrittenReport } from "./report/write-report";
import { RAW_PROCESSED_PREFIX, RAW_TO_PROCESS_PREFIX } from "../functions/shared/s3-layout";

const { values } = parseArgs({
  options: {
    "with-poison-message": { type: "boolean", default: false },
    days: { type: "string", default: String(DEMO_DAYS) },
    lake: { type: "string", default: LOCAL_LAKE_DIR },
    "charts-dir": { type: "string", default: LOCAL_DEMO_CHARTS_DIR },
    "max-rows": { type: "string", default: "12" },
  },
});
const lakeDir = path.resolve(values.lake);
const chartsDir = path.resolve(values["charts-dir"]);
/** The command that queries this lake again: `make query` reads `.lake/` unless told another. */
const queryCommand = (name: string) =>
  `make query Q=${name}` + (lakeDir === LOCAL_LAKE_DIR ? "" : ` ARGS="--lake ${lakeDir}"`);
const maxRows = Number(values["max-rows"]);
const started = performance.now();
const timings: [string, number][] = [];
let extractRuns: ExtractRun[] = [];
let failures: string[] | undefined;
let report: WrittenReport | undefined;

async function stage<T>(
  name: string,
  work: () => Promise<T>,
  describe: (result: T) => string,
): Promise<T> {
  process.stdout.write(`\n▶ ${name}\n`);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  timings.push([name, seconds]);
  console.log(`✔ ${name} (${seconds.toFixed(1)} s): ${describe(result)}`);
  return result;
}

process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT"; // the handlers' JSON logs would drown the story (set INFO to see them)
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

const infra = await stage(
  "Start S3 + SQS emulator (fauxqs, in process)",
  startLocalInfrastructure,
  (i) =>
    `${i.emulator.endpoint}, bucket ${i.bucket}, queue with DLQ after ${i.settings.maxReceiveCount} receives, ` +
    `visibility ${i.settings.visibilityTimeoutSeconds} s (config/queue-settings.json)`,
);
try {
  const spotify = await stage(
    "Start Spotify API",
    () => startSpotifySource(process.env, Number(values.days)),
    (s) =>
      s.kind === "local"
        ? `local API at ${s.api.apiBaseUrl} serving ${s.days} daily charts derived from the real Top 50 capture`
        : `the real Spotify Web API for ${s.playlistIds.join(", ")}`,
  );
  extractRuns = await stage(
    "Extract (the real handler, once per day)",
    () => runExtract(infra, spotify),
    (runs) => {
      const failed = runs.filter((run) => run.error);
      for (const run of failed)
        console.log(`  extract as of ${run.at.toISOString()} failed: ${run.error}`);
      return `${runs.length - failed.length}/${runs.length} runs wrote ${runs.reduce((n, r) => n + r.written, 0)} raw snapshots`;
    },
  );
  await stage(
    `Import chart files (${values.days} daily Top 200 Global exports, as make import-charts does)`,
    () => importDemoChartFiles(infra, chartsDir, Number(values.days)),
    (result) => `${result.uploaded.length} files from ${chartsDir} to raw_data/to_process/`,
  );
  if (values["with-poison-message"]) {
    await stage(
      "Drop a poison object into the raw zone",
      () => putPoisonObject(infra),
      () => POISON_KEY,
    );
  }
  await stage(
    "Transform (poll the queue like Lambda's event source mapping)",
    async () => {
      const stats = await runTransform(infra, (records, failures) =>
        console.log(`  batch of ${records}: ${records - failures} ok, ${failures} failed`),
      );
      // The poller counts messages, S3's s3:TestEvent among them: processed/ holds what was transformed.
      return { ...stats, transformed: (await listKeys(infra, RAW_PROCESSED_PREFIX)).length };
    },
    (stats) =>
      `${stats.batches} batches, ${stats.transformed} objects transformed, ${stats.recordFailures} failed attempts, ` +
      `${infra.relay.sent} S3 notifications sent`,
  );
  const deadLetters = await stage(
    "Dead-letter queue",
    () => deadLetteredKeys(infra),
    (keys) => (keys.length ? `${keys.length} message(s): ${keys.join(", ")}` : "empty"),
  );
  if (deadLetters.length) {
    const stuck = await listKeys(infra, RAW_TO_PROCESS_PREFIX);
    console.log(`  still in ${RAW_TO_PROCESS_PREFIX} (nothing lost): ${stuck.join(", ")}`);
    console.log("  in AWS: fix the cause, then `make replay-dlq` (docs/RUNBOOK.md)");
  }
  await stage(
    "Write the lake to disk",
    () => exportLake(infra, lakeDir),
    (files) => `${files} objects under ${lakeDir}`,
  );
  const catalog = await stage(
    "Catalog the tables (the Glue crawler's part, in DuckDB)",
    () => openLakeCatalog(lakeDir),
    (c) => c.tables.map((t) => `${t.name} ${t.rows} rows`).join(", "),
  );
  try {
    for (const table of catalog.tables) {
      console.log(
        `\n  ${table.name} (${table.files} files, ${table.rows} rows): ` +
          table.columns.map((c) => `${c.name} ${c.type}`).join(", "),
      );
    }
    await stage(
      "Named queries (queries/*.sql, the same SQL Athena runs)",
      async () => {
        const queries = listNamedQueries();
        for (const query of queries) {
          const rows = await catalog.query(statementOf(query));
          console.log(`\n■ ${query.name}: ${query.description}\n`);
          console.log(formatTable(rows.slice(0, maxRows)));
          if (rows.length > maxRows)
            console.log(`… ${rows.length - maxRows} more rows (${queryCommand(query.name)})`);
        }
        return queries.length;
      },
      (n) => `${n} queries`,
    );
  } finally {
    catalog.close();
  }
  // The demo's data are from its own days: the report's clock is the last extract run's.
  report = await stage(
    "Write the report (make report)",
    () => writeLocalReport(lakeDir, extractRuns.at(-1)?.at ?? new Date()),
    (r) => `${(r.bytes / 1024).toFixed(0)} KB`,
  );
  if (spotify.kind === "local") await spotify.api.stop();
  failures = demoFailures(
    extractRuns,
    deadLetters,
    values["with-poison-message"] ? [POISON_KEY] : [],
  );
} finally {
  await infra.stop();
}

console.log(`\nSummary (${((performance.now() - started) / 1000).toFixed(1)} s in all)`);
for (const [name, seconds] of timings)
  console.log(`  ${seconds.toFixed(1).padStart(5)} s  ${name}`);
console.log(
  `\nThe lake is in ${lakeDir}: raw_data/processed/ (the raw .json snapshots and .csv chart files) and transformed_data/<table>/snapshot_date=*/*.parquet`,
);
console.log(
  `Query it again with \`${queryCommand("<name>")}\`, or open the Parquet files with DuckDB, pandas or Spark.`,
);
if (report) console.log(`\nThe report: open ${report.url} in a browser`);
if (failures?.length) {
  console.error(`\nThe demo failed: ${failures.join("; ")}`);
  process.exitCode = 1;
}
