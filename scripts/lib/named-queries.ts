/**
 * The named queries: one `.sql` file each in `queries/`, used unchanged by Athena (Terraform
 * creates `aws_athena_named_query` resources from them) and by the local DuckDB mode.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where the `.sql` files live. */
export const QUERIES_DIR = path.resolve(import.meta.dirname, "../../queries");

/** One named query. */
export interface NamedQuery {
  name: string;
  /** The first `-- ` comment line. */
  description: string;
  sql: string;
}

/** Every named query, sorted by name. */
export function listNamedQueries(dir = QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), "utf8");
      const description = /^--\s*(.*)$/m.exec(sql)?.[1]?.trim() ?? "";
      return { name: file.slice(0, -".sql".length), description, sql };
    });
}

/** One named query by name, or an error listing the names there are. */
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
