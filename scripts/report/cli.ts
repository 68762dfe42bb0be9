/**
 * `make report [TARGET=aws] [OUT=file.html]`: one self-contained HTML report of the lake, the
 * local one (DuckDB over `.lake/`, written to `.lake/report.html`) or the deployed one (Athena,
 * written to `reports/report-aws.html`). `--now ISO` sets the freshness panel's clock.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import path from "node:path";
import { LOCAL_LAKE_DIR } from "../local/paths";
import { EXIT, parseFlags, requireFlag, runCommand, UsageError } from "../ops/cli";
import { athenaLakeSource, localLakeSource } from "./lake-source";
import { LOCAL_REPORT_NAME, writeReport } from "./write-report";

const USAGE =
  "Usage: tsx scripts/report/cli.ts [--target local|aws] [--lake DIR] [--out FILE] [--now ISO]\n" +
  "       [--workgroup NAME --database NAME]   (TARGET=aws)";

async function main(): Promise<number> {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    {
      target: { type: "string" },
      lake: { type: "string" },
      out: { type: "string" },
      workgroup: { type: "string" },
      database: { type: "string" },
      now: { type: "string" },
    },
    USAGE,
  );
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${positionals[0]}\n\n${USAGE}`);
  const target = values.target ?? "local";
  const lake = values.lake ?? LOCAL_LAKE_DIR;
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new UsageError(`--now must be an ISO date-time, got ${values.now}`);
  let source;
  let out;
  if (target === "aws") {
    const workgroup = requireFlag(values.workgroup, "workgroup", "athena_workgroup_name");
    const database = requireFlag(values.database, "database", "glue_database_name");
    source = await athenaLakeSource({
      athena: new AthenaClient({}),
      workgroup,
      database,
      onStatus: (state) => process.stderr.write(`athena: ${state}\n`),
    });
    out = values.out ?? path.resolve(import.meta.dirname, "../../reports/report-aws.html");
  } else if (target === "local") {
    try {
      source = await localLakeSource(lake);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    out = values.out ?? path.join(path.resolve(lake), LOCAL_REPORT_NAME);
  } else {
    throw new UsageError(`TARGET must be local or aws, got ${target}`);
  }
  try {
    const report = await writeReport(source, out, now);
    const { stale, newest } = report.freshness;
    if (stale)
      console.log(
        newest
          ? `report: ⚠ the lake is stale (its newest data is more than ${newest.staleAfterDays} days old)`
          : "report: ⚠ the lake holds no data",
      );
    console.log(`report: ${(report.bytes / 1024).toFixed(0)} KB from ${source.description}`);
    console.log(`report: open ${report.url}`);
  } finally {
    source.close();
  }
  return EXIT.ok;
}

await runCommand(main, "report");
