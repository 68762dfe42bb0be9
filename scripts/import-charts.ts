/**
 * `make import-charts FILES="a.csv folder/" [TARGET=local] [ARGS=--force]`:
 *   tsx scripts/import-charts.ts --bucket NAME [--force] FILE_OR_FOLDER...
 *   tsx scripts/import-charts.ts --local [FILE_OR_FOLDER...]
 * The deployed bucket gets the files in `raw_data/to_process/` (the transform then runs on each);
 * `--local` converts them straight into `make demo`'s lake, where no queue is running.
 */
import { parseArgs } from "node:util";
import { runCommand, UsageError } from "./ops/cli";
import { s3ClientFromEnvironment } from "./ops/aws-clients";
import { chartUploadsFor, formatChartImport, importCharts } from "./ops/import-charts";
import { createProgressReporter } from "./ops/progress";
import { transformFiles } from "./lib/transform-files";
import { LOCAL_LAKE_DIR } from "./local/pipeline";

await runCommand(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      bucket: { type: "string" },
      local: { type: "boolean" },
      force: { type: "boolean" },
    },
  });
  if (positionals.length === 0) throw new UsageError('name chart files or folders: FILES="..."');
  if (values.local) {
    const uploads = await chartUploadsFor(positionals);
    const results = await transformFiles(
      uploads.map(({ file }) => file),
      { outDir: LOCAL_LAKE_DIR },
    );
    for (const result of results) {
      console.log(result.ok ? `ok   ${result.file}` : `FAIL ${result.file}: ${result.error}`);
    }
    const failed = results.filter((result) => !result.ok).length;
    console.log(`${results.length - failed} chart file(s) in ${LOCAL_LAKE_DIR}, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  }
  if (!values.bucket)
    throw new UsageError("no bucket: run `make deploy` first, or pass TARGET=local");
  const s3 = s3ClientFromEnvironment();
  try {
    const progress = createProgressReporter({ label: "uploaded", stream: process.stderr });
    const result = await importCharts(s3, values.bucket, positionals, {
      force: values.force ?? false,
      progress,
    });
    for (const line of formatChartImport(result, values.bucket)) console.log(line);
    return 0;
  } finally {
    s3.destroy();
  }
});
