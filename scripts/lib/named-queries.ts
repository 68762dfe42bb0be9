/**
 * The named queries: one `.sql` file each in `queries/`, used by Athena (Terraform creates
 * `aws_athena_named_query` resources from them) and by the local DuckDB mode. A query that
 * needs each day's chart writes {@link DAY_CHARTS_MARKER} where its CTEs start; both readers
 * splice in `queries/shared/day_charts.sql` there, Terraform with the same `replace` in
 * terraform/modules/analytics (docs/adr/0075-one-home-for-the-day-charts-sql.md).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where the `.sql` files live. */
export const QUERIES_DIR = path.resolve(import.meta.dirname, "../../queries");

/** The text a query file writes where the `snapshots` and `day_charts` CTEs go. */
export const DAY_CHARTS_MARKER = "{{day_charts}}";

/** One named query. */
export interface NamedQuery {
  name: string;
  /** The first `-- ` comment line. */
  description: string;
  /** The full statement, with the shared CTEs spliced in. */
  sql: string;
}

/**
 * The `snapshots` and `day_charts` CTEs (a day's chart is its latest snapshot), without `WITH`,
 * for a statement to open with `WITH ${dayChartsSql()}, ...`.
 * @throws Error when `shared/day_charts.sql` cannot be read.
 */
export function dayChartsSql(dir = QUERIES_DIR): string {
  return readFileSync(path.join(dir, "shared", "day_charts.sql"), "utf8").trim();
}

/**
 * Every named query, sorted by name.
 * @throws Error when the directory or a file in it cannot be read.
 */
export function listNamedQueries(dir = QUERIES_DIR): NamedQuery[] {
  const dayCharts = dayChartsSql(dir);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      // A replacer function, so that `$` in the SQL is never read as a replacement pattern.
      const sql = readFileSync(path.join(dir, file), "utf8").replaceAll(
        DAY_CHARTS_MARKER,
        () => dayCharts,
      );
      const description = /^--\s*(.*)$/m.exec(sql)?.[1]?.trim() ?? "";
      return { name: file.slice(0, -".sql".length), description, sql };
    });
}

/**
 * One named query by name.
 * @throws Error listing the names there are when there is no such query.
 */
export function namedQuery(name: string, dir = QUERIES_DIR): NamedQuery {
  const queries = listNamedQueries(dir);
  const query = queries.find((candidate) => candidate.name === name);
  if (!query) {
    throw new Error(
      `no named query ${JSON.stringify(name)}; there are: ${queries.map((q) => q.name).join(", ")}`,
    );
  }
  return query;
}

/** Athena runs one statement without a trailing semicolon; DuckDB accepts either. */
export function statementOf(query: NamedQuery): string {
  return query.sql.trim().replace(/;\s*$/, "");
}
