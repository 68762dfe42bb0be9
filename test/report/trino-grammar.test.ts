/**
 * Every statement the report sends parses under Trino's grammar (the engine Athena runs for
 * `make report TARGET=aws`) and guards every subscript with try(), as queries/*.sql do. The
 * statements are the ones the report really sends: recorded while it reads a lake with
 * snapshots and chart files.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  athenaTablesSql,
  localLakeSource,
  type LakeSource,
} from "../../scripts/report/lake-source";
import { loadReportData } from "../../scripts/report/queries";
import { trinoSqlProblems } from "../support/trino-sql";
import { buildLake } from "../support/report-lake";

describe("the report's SQL under Trino's grammar", () => {
  let lakeDir: string;
  const sent: string[] = [];

  beforeAll(async () => {
    lakeDir = await mkdtemp(path.join(tmpdir(), "report-sql-"));
    await buildLake(lakeDir, {
      playlists: [
        { id: "p1", name: "P1", firstDay: "2024-04-22", days: 2, songsPerDay: 5, churnPerDay: 1 },
      ],
      charts: [{ chart: "regional-global-daily", firstDay: "2024-04-22", days: 2, rowsPerDay: 3 }],
    });
    const local = await localLakeSource(lakeDir);
    const recording: LakeSource = {
      ...local,
      query: (sql) => {
        sent.push(sql);
        return local.query(sql);
      },
    };
    try {
      await loadReportData(recording);
    } finally {
      local.close();
    }
  });
  afterAll(async () => {
    await rm(lakeDir, { recursive: true, force: true });
  });

  it("sends one statement per panel query, the chart files' included", () => {
    // Playlists, bump, churn, artists, streams, chart files.
    expect(sent).toHaveLength(6);
  });

  it("sends only statements that Trino parses, with every subscript in try()", () => {
    // Act
    const problems = sent.map((sql) => ({ sql, problems: trinoSqlProblems(sql) }));

    // Assess
    expect(problems.filter((p) => p.problems.length > 0)).toEqual([]);
  });

  it("lists the tables with a statement Trino parses, the database name quoted", () => {
    // Act
    const sql = athenaTablesSql("it's_db");

    // Assess
    expect(sql).toContain("table_schema = 'it''s_db'");
    expect(trinoSqlProblems(sql)).toEqual([]);
  });
});
