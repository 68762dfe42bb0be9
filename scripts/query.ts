/**
 * `make query [Q=name] [TARGET=aws]`: lists the named queries, or runs one on the local lake
 * (DuckDB over `.lake/`, written by `make demo`) or on Athena in the deployed workgroup.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { existsSync } from "node:fs";
import path from "node:path";
import { runAthenaQuery } from "./lib/athena-query";
import { listNamedQueries, namedQuery, statementOf } from "./lib/named-queries";
import { formatTable } from "./lib/print-table";
import { openLakeCatalog } from "./local/lake-catalog";
import { LOCAL_LAKE_DIR } from "./local/paths";
import { EXIT, parseFlags, requireFlag, runCommand, UsageError } from "./ops/cli";
import { CHART_TABLE_NAME, LAKE_TABLE_NAMES } from "../functions/shared/s3-layout";

const USAGE =
  "Usage: tsx scripts/query.ts [NAME] [--target local|aws] [--lake DIR] [--workgroup W --database D]";

async function main(): Promise<number> {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    {
      target: { type: "string" },
      lake: { type: "string" },
      workgroup: { type: "string" },
      database: { type: "string" },
    },
    USAGE,
  );
  const target = values.target ?? "local";
  const [name] = positionals;
  if (!name) {
    console.log("Named queries (make query Q=<name> [TARGET=aws]):\n");
    for (const query of listNamedQueries())
      console.log(`  ${query.name.padEnd(40)} ${query.description}`);
    return EXIT.ok;
  }
  const query = namedQuery(name);
  if (target === "aws") {
    const workgroup = requireFlag(values.workgroup, "workgroup", "athena_workgroup_name");
    const database = requireFlag(values.database, "database", "glue_database_name");
    const rows = await runAthenaQuery(new AthenaClient({}), {
      sql: statementOf(query),
      workgroup,
      database,
      onStatus: (state) => process.stderr.write(`athena: ${state}\n`),
    });
    console.log(formatTable(rows, 60));
    console.log(`(${rows.length} rows, Athena workgroup ${workgroup}, database ${database})`);
    return EXIT.ok;
  }
  if (target !== "local") throw new UsageError(`TARGET must be local or aws, got ${target}`);
  const lakeDir = path.resolve(values.lake ?? LOCAL_LAKE_DIR);
  if (!existsSync(path.join(lakeDir, "transformed_data"))) {
    throw new UsageError(
      `no local lake at ${lakeDir}: run \`make demo\` first, or name one: \`make query Q=${name} ARGS="--lake DIR"\``,
    );
  }
  const catalog = await openLakeCatalog(lakeDir);
  try {
    const missing = LAKE_TABLE_NAMES.filter(
      (table) =>
        new RegExp(`\\b(FROM|JOIN)\\s+${table}\\b`, "i").test(query.sql) &&
        !catalog.tables.some((t) => t.name === table),
    );
    if (missing.length > 0) {
      // DuckDB's own error ("Table ... does not exist") would not say how to get the table.
      const fromSnapshots = missing.filter((table) => table !== CHART_TABLE_NAME);
      const held = catalog.tables.map((table) => table.name).join(", ") || "no table";
      throw new UsageError(
        `${name} reads ${missing.join(", ")}, and the lake at ${lakeDir} has none of them ` +
          `(it holds ${held}).` +
          (fromSnapshots.length > 0
            ? ` ${fromSnapshots.join(", ")} come from playlist snapshots: \`make demo` +
              (lakeDir === LOCAL_LAKE_DIR ? "" : ` ARGS="--lake ${lakeDir}"`) +
              `\` writes a lake with them (replacing this one's files), or ARGS="--lake DIR" ` +
              "names another lake."
            : "") +
          (missing.includes(CHART_TABLE_NAME)
            ? ` ${CHART_TABLE_NAME} comes from chart exports: \`make import-charts TARGET=local FILES="..."\`.`
            : ""),
      );
    }
    const rows = await catalog.query(statementOf(query));
    console.log(formatTable(rows, 60));
    console.log(`(${rows.length} rows, DuckDB over ${lakeDir})`);
  } finally {
    catalog.close();
  }
  return EXIT.ok;
}

await runCommand(main, "query");
