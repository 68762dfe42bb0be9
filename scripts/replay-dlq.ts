/**
 * `npm run replay-dlq -- --dlq-url URL [--target-url URL] [--mode move-task|manual] [--dry-run]
 * [--max N] [--rate N]` (and `make replay-dlq`): moves dead-lettered messages back to their
 * queue. The AWS SDK's standard variables choose the account, region and endpoint
 * (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SQS`...).
 */
import { sqsClientFromEnvironment } from "./ops/aws-clients";
import { runCommand } from "./ops/cli";
import { createProgressReporter } from "./ops/progress";
import {
  formatReplayOutcome,
  parseReplayArgs,
  REPLAY_USAGE,
  replayDeadLetters,
} from "./ops/replay-dlq";
import { abortOnSigint, sleep, systemClock } from "./ops/timing";

await runCommand(async () => {
  const options = parseReplayArgs(process.argv.slice(2));
  if (options === "help") {
    console.log(REPLAY_USAGE);
    return 0;
  }
  const sqs = sqsClientFromEnvironment();
  try {
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
    const { lines, exitCode } = formatReplayOutcome(outcome);
    for (const line of lines) console.log(line);
    return exitCode;
  } finally {
    sqs.destroy();
  }
});
