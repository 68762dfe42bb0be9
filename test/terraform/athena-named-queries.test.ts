/**
 * The SQL Terraform stores as Athena named queries is the SQL `make query` runs: the analytics
 * module's own `locals` (read from its main.tf, not copied) are evaluated by `terraform console`
 * over queries/, and compared with scripts/lib/named-queries.ts, shared CTEs spliced in.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DAY_CHARTS_MARKER,
  QUERIES_DIR,
  dayChartsSql,
  listNamedQueries,
} from "../../scripts/lib/named-queries";

const ANALYTICS_MAIN = path.resolve(
  import.meta.dirname,
  "../../terraform/modules/analytics/main.tf",
);

/** The module's top-level `locals { ... }` block, up to its closing brace at column 0. */
function localsBlock(hcl: string): string {
  const match = /^locals \{\n[\s\S]*?^\}\n/m.exec(hcl);
  if (!match) throw new Error(`${ANALYTICS_MAIN} has no top-level locals block`);
  return match[0];
}

/** `local.named_queries` as Terraform computes it: no providers, so no init is needed. */
function terraformNamedQueries(): Record<string, { sql: string; description: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "analytics-locals-"));
  try {
    writeFileSync(
      path.join(dir, "main.tf"),
      `variable "queries_dir" {\n  type = string\n}\n\n${localsBlock(readFileSync(ANALYTICS_MAIN, "utf8"))}`,
    );
    // base64: the console prints strings HCL-escaped; base64 comes back as it went in.
    const printed = execFileSync(
      "terraform",
      ["console", "-no-color", `-var=queries_dir=${QUERIES_DIR}`],
      {
        cwd: dir,
        input: "base64encode(jsonencode(local.named_queries))\n",
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
      },
    );
    const encoded = /"([A-Za-z0-9+/=]+)"/.exec(printed)?.[1];
    if (!encoded) throw new Error(`terraform console printed no base64 string: ${printed}`);
    return JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Record<
      string,
      { sql: string; description: string }
    >;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the named queries Terraform stores in Athena", () => {
  const stored = terraformNamedQueries();
  const local = listNamedQueries();

  it("are the queries the local mode runs, by name", () => {
    expect(Object.keys(stored).sort()).toEqual(local.map((q) => q.name));
  });

  it.each(local.map((q) => [q.name, q] as const))(
    "%s: Athena stores the SQL and description DuckDB runs",
    (name, query) => {
      expect(stored[name]).toEqual({ sql: query.sql, description: query.description });
    },
  );

  it("splice queries/shared/day_charts.sql into every query that names it, leaving no marker", () => {
    // Prepare
    const dayCharts = dayChartsSql();
    const raw = (name: string) => readFileSync(path.join(QUERIES_DIR, `${name}.sql`), "utf8");
    const users = local.filter((q) => raw(q.name).includes(DAY_CHARTS_MARKER)).map((q) => q.name);

    // Assess
    expect(users).toEqual([
      "latest_chart",
      "new_entries_since_previous_snapshot",
      "song_peak_position_and_days_on_chart",
      "top_artists_by_days_on_chart",
    ]);
    for (const name of users) {
      expect([name, stored[name]!.sql.includes(`WITH ${dayCharts},\n`)]).toEqual([name, true]);
    }
    for (const query of Object.values(stored)) expect(query.sql).not.toContain(DAY_CHARTS_MARKER);
  });
});
