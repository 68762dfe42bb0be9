/**
 * Where the report reads the lake: the local lake through DuckDB (the catalog `make query`
 * uses), or the deployed one through Athena (the same query runner). The panel queries are
 * written once, in SQL both engines run.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import { existsSync } from "node:fs";
import path from "node:path";
import { TRANSFORMED_PREFIX } from "../../functions/shared/s3-layout";
import { runAthenaQuery } from "../lib/athena-query";
import { openLakeCatalog } from "../local/lake-catalog";

/** One result row: DuckDB gives JS values, Athena gives strings (or null). */
export type Row = Record<string, unknown>;

/** A lake the report can query. */
export interface LakeSource {
  /** Shown in the report, e.g. `DuckDB over .lake`. */
  description: string;
  /** The catalogued tables that exist (a table without files is not catalogued). */
  tables: ReadonlySet<string>;
  query(sql: string): Promise<Row[]>;
  close(): void;
}

/**
 * Opens the local lake written by `make demo`.
 * @throws Error when `lakeDir` holds no `transformed_data/` (the message says to run the demo).
 */
export async function localLakeSource(lakeDir: string): Promise<LakeSource> {
  const dir = path.resolve(lakeDir);
  if (!existsSync(path.join(dir, TRANSFORMED_PREFIX))) {
    throw new Error(
      `no local lake at ${dir}: run \`make demo\` first, or name one: \`make report ARGS="--lake DIR"\``,
    );
  }
  const catalog = await openLakeCatalog(dir);
  return {
    // Named by the folder alone: a report passed around should not carry the writer's home path.
    description: `DuckDB over ${path.basename(dir)}`,
    tables: new Set(catalog.tables.map((table) => table.name)),
    query: (sql) => catalog.query(sql),
    close: () => catalog.close(),
  };
}

/** Where the deployed lake is catalogued. */
export interface AthenaLakeOptions {
  athena: AthenaClient;
  workgroup: string;
  database: string;
  onStatus?: (state: string) => void;
}

/** The statement that lists the tables of a Glue database in Athena. */
export function athenaTablesSql(database: string): string {
  return `SELECT table_name FROM information_schema.tables WHERE table_schema = '${database.replace(/'/g, "''")}'`;
}

/**
 * The deployed lake through Athena. The crawler creates a table only once files exist, so the
 * tables come from `information_schema` rather than being assumed.
 * @throws AthenaQueryError when Athena fails the table listing (wrong workgroup or database).
 */
export async function athenaLakeSource(options: AthenaLakeOptions): Promise<LakeSource> {
  const query = (sql: string) =>
    runAthenaQuery(options.athena, {
      sql,
      workgroup: options.workgroup,
      database: options.database,
      onStatus: options.onStatus,
    });
  const listed = await query(athenaTablesSql(options.database));
  return {
    description: `Athena workgroup ${options.workgroup}, database ${options.database}`,
    tables: new Set(listed.map((row) => String(row.table_name))),
    query,
    close: () => undefined,
  };
}
