/**
 * Operator commands for a deployed stack, one entry point (the Make targets fill the names from
 * Terraform outputs):
 *   tsx scripts/ops.ts replay-dlq --dlq-url URL [...]         (make replay-dlq, npm run replay-dlq)
 *   tsx scripts/ops.ts reprocess --bucket B [...]             (make reprocess, npm run reprocess)
 *   tsx scripts/ops.ts import-charts --bucket B | --local FILE_OR_FOLDER...   (make import-charts)
 *   tsx scripts/ops.ts invoke-extract --function NAME [--playlist-ids ID,ID]   (make invoke-extract)
 *   tsx scripts/ops.ts logs --function NAME [--since 1h] [--limit N] [--filter P]   (make logs FN=...)
 *   tsx scripts/ops.ts alarms --prefix NAME_PREFIX                               (make alarms)
 * The AWS SDK's standard variables choose the account, region and endpoint (`AWS_PROFILE`,
 * `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SQS`...).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { formatAlarms, listAlarms } from "./ops/alarms";
import { s3ClientFromEnvironment, sqsClientFromEnvironment } from "./ops/aws-clients";
import { EXIT, parseFlags, runCommand, UsageError } from "./ops/cli";
import { fetchLogEvents, formatLogLine, logEventsNotice } from "./ops/function-logs";
import {
  type ChartImportDestination,
  type ChartImportResult,
  formatChartImport,
  importCharts,
  importChartsIntoLake,
} from "./ops/import-charts";
import { LOCAL_LAKE_DIR } from "./local/paths";
import { formatInvocation, invokeFunction } from "./ops/invoke-function";
import { OPS_USAGE, parseOpsArgs } from "./ops/ops-commands";
import { createProgressReporter } from "./ops/progress";
import {
  formatReplayOutcome,
  parseReplayArgs,
  REPLAY_USAGE,
  replayDeadLetters,
} from "./ops/replay-dlq";
import {
  formatReprocessResult,
  parseReprocessArgs,
  REPROCESS_USAGE,
  reprocessSnapshots,
} from "./ops/reprocess";
import { abortOnSigint, sleep, systemClock } from "./ops/timing";

/** Prints a command's report (stdout) and returns its exit code. */
function report({ lines, exitCode }: { lines: string[]; exitCode: number }): number {
  for (const line of lines) console.log(line);
  return exitCode;
}

/** Runs `use` with an SDK client, destroying the client afterwards. */
async function withClient<C extends { destroy(): void }>(
  client: C,
  use: (client: C) => Promise<number>,
): Promise<number> {
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

async function replayDlq(argv: string[]): Promise<number> {
  const options = parseReplayArgs(argv);
  if (options === "help") return report({ lines: [REPLAY_USAGE], exitCode: 0 });
  return withClient(sqsClientFromEnvironment(), async (sqs) => {
    const signal = abortOnSigint(() =>
      console.error("\nStopping (Ctrl-C again to quit at once; nothing is lost either way)..."),
    );
    const outcome = await replayDeadLetters(
      { ...options, signal },
      {
        sqs,
        sleep,
        clock: systemClock,
        log: (line) => console.error(line),
        progress: (label) => createProgressReporter({ label }),
      },
    );
    return report(formatReplayOutcome(outcome));
  });
}

async function reprocess(argv: string[]): Promise<number> {
  const options = parseReprocessArgs(argv);
  if (options === "help") return report({ lines: [REPROCESS_USAGE], exitCode: 0 });
  return withClient(s3ClientFromEnvironment(), async (s3) => {
    const result = await reprocessSnapshots(options, {
      s3,
      progress: createProgressReporter({ label: "moved" }),
      log: (line) => console.error(line),
    });
    return report(formatReprocessResult(result, options.bucket));
  });
}

/**
 * The deployed bucket gets the files in `raw_data/to_process/` (the transform then runs on
 * each); `--local` converts them straight into `make demo`'s lake, where no queue is running.
 */
async function importChartFiles(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { bucket: { type: "string" }, local: { type: "boolean" }, force: { type: "boolean" } },
    "Usage: tsx scripts/ops.ts import-charts --bucket NAME [--force] | --local  FILE_OR_FOLDER...",
  );
  if (positionals.length === 0) throw new UsageError('name chart files or folders: FILES="..."');
  const options = {
    force: values.force ?? false,
    progress: createProgressReporter({ label: "imported", stream: process.stderr }),
  };
  const reportOf = (result: ChartImportResult, destination: ChartImportDestination) =>
    report({
      lines: formatChartImport(result, destination),
      exitCode: result.failed.length > 0 ? EXIT.failed : EXIT.ok,
    });
  if (values.local) {
    return reportOf(await importChartsIntoLake(positionals, LOCAL_LAKE_DIR, options), {
      lakeDir: LOCAL_LAKE_DIR,
    });
  }
  const bucket = values.bucket;
  if (!bucket) throw new UsageError("no bucket: run `make deploy` first, or pass TARGET=local");
  return withClient(s3ClientFromEnvironment(), async (s3) =>
    reportOf(await importCharts(s3, bucket, positionals, options), { bucket }),
  );
}

await runCommand(async () => {
  const [name, ...rest] = process.argv.slice(2);
  if (name === "replay-dlq") return replayDlq(rest);
  if (name === "reprocess") return reprocess(rest);
  if (name === "import-charts") return importChartFiles(rest);
  const command = parseOpsArgs(process.argv.slice(2));
  if (command === "help") return report({ lines: [OPS_USAGE], exitCode: 0 });
  switch (command.command) {
    case "invoke-extract":
      return withClient(new LambdaClient({}), async (lambda) => {
        console.error(`Invoking ${command.functionName} (waits for the run to finish)...`);
        const event = command.playlistIds ? { playlistIds: command.playlistIds } : {};
        const result = await invokeFunction(lambda, command.functionName, event);
        return report(formatInvocation(command.functionName, result));
      });
    case "logs":
      return withClient(new CloudWatchLogsClient({}), async (logs) => {
        const read = await fetchLogEvents(logs, {
          functionName: command.functionName,
          startTime: Date.now() - command.sinceMs,
          limit: command.limit,
          ...(command.filterPattern ? { filterPattern: command.filterPattern } : {}),
        });
        const notice = logEventsNotice(read, command.functionName);
        if (notice) console.error(notice);
        for (const event of read.events)
          console.log(formatLogLine(event.message ?? "", event.timestamp));
        return 0;
      });
    case "alarms":
      return withClient(new CloudWatchClient({}), async (cloudwatch) =>
        report(formatAlarms(command.prefix, await listAlarms(cloudwatch, command.prefix))),
      );
  }
});
