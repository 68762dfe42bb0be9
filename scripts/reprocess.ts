/**
 * `make reprocess FROM=YYYY-MM-DD TO=YYYY-MM-DD` (or `KEY=...`), `npm run reprocess -- --bucket B
 * [--from D] [--to D] [--key K] [--all] [--dry-run]`: moves raw snapshots from
 * `raw_data/processed/` back to `raw_data/to_process/` so the transform runs on them again.
 * The AWS SDK's standard variables choose the account, region and endpoint.
 */
import { s3ClientFromEnvironment } from "./ops/aws-clients";
import { runCommand } from "./ops/cli";
import { createProgressReporter } from "./ops/progress";
import {
  formatReprocessResult,
  parseReprocessArgs,
  REPROCESS_USAGE,
  reprocessSnapshots,
} from "./ops/reprocess";

await runCommand(async () => {
  const options = parseReprocessArgs(process.argv.slice(2));
  if (options === "help") {
    console.log(REPROCESS_USAGE);
    return 0;
  }
  const s3 = s3ClientFromEnvironment();
  try {
    const result = await reprocessSnapshots(options, {
      s3,
      progress: createProgressReporter({ label: "moved" }),
      log: (line) => console.error(line),
    });
    const { lines, exitCode } = formatReprocessResult(result, options.bucket);
    for (const line of lines) console.log(line);
    return exitCode;
  } finally {
    s3.destroy();
  }
});
