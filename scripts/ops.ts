/**
 * Operator commands for a deployed stack (the Make targets fill the names from Terraform
 * outputs):
 *   tsx scripts/ops.ts invoke-extract --function NAME [--playlist-ids ID,ID]   (make invoke-extract)
 *   tsx scripts/ops.ts logs --function NAME [--since 1h] [--limit N] [--filter P]   (make logs FN=...)
 *   tsx scripts/ops.ts alarms --prefix NAME_PREFIX                               (make alarms)
 * The AWS SDK's standard variables choose the account, region and endpoint.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { formatAlarms, listAlarms } from "./ops/alarms";
import { runCommand } from "./ops/cli";
import { fetchLogEvents, formatLogLine, logGroupOf } from "./ops/function-logs";
import { formatInvocation, invokeFunction } from "./ops/invoke-function";
import { OPS_USAGE, parseOpsArgs } from "./ops/ops-commands";

await runCommand(async () => {
  const command = parseOpsArgs(process.argv.slice(2));
  if (command === "help") {
    console.log(OPS_USAGE);
    return 0;
  }
  switch (command.command) {
    case "invoke-extract": {
      const lambda = new LambdaClient({});
      try {
        console.error(`Invoking ${command.functionName} (waits for the run to finish)...`);
        const event = command.playlistIds ? { playlistIds: command.playlistIds } : {};
        const result = await invokeFunction(lambda, command.functionName, event);
        const { lines, exitCode } = formatInvocation(command.functionName, result);
        for (const line of lines) console.log(line);
        return exitCode;
      } finally {
        lambda.destroy();
      }
    }
    case "logs": {
      const logs = new CloudWatchLogsClient({});
      try {
        const { events, truncated } = await fetchLogEvents(logs, {
          functionName: command.functionName,
          startTime: Date.now() - command.sinceMs,
          limit: command.limit,
          ...(command.filterPattern ? { filterPattern: command.filterPattern } : {}),
        });
        if (truncated)
          console.error(`(showing the latest ${events.length} events; use --limit or --since)`);
        if (events.length === 0)
          console.error(`No log events in ${logGroupOf(command.functionName)} in that window.`);
        for (const event of events)
          console.log(formatLogLine(event.message ?? "", event.timestamp));
        return 0;
      } finally {
        logs.destroy();
      }
    }
    case "alarms": {
      const cloudwatch = new CloudWatchClient({});
      try {
        const { lines, exitCode } = formatAlarms(
          command.prefix,
          await listAlarms(cloudwatch, command.prefix),
        );
        for (const line of lines) console.log(line);
        return exitCode;
      } finally {
        cloudwatch.destroy();
      }
    }
  }
});
