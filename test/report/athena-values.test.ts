/**
 * `make report TARGET=aws` reads Athena's results, where every value is a string (or null) and a
 * timestamp prints as `2024-04-28 16:00:03.000`: the report's data must come out as it does from
 * DuckDB. The Athena-shaped rows are DuckDB's answers printed the way Athena prints them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { localLakeSource, type LakeSource, type Row } from "../../scripts/report/lake-source";
import { loadReportData } from "../../scripts/report/queries";
import { buildLake } from "../support/report-lake";

/** A value as Athena's GetQueryResults gives it (VarCharValue), or null. */
function asAthenaPrints(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace("Z", "");
  return String(value);
}

describe("the report's data from Athena's string values", () => {
  let lakeDir: string;
  let local: LakeSource;

  beforeAll(async () => {
    lakeDir = await mkdtemp(path.join(tmpdir(), "report-athena-"));
    await buildLake(lakeDir, {
      playlists: [
        { id: "p1", name: "P1", firstDay: "2024-04-22", days: 3, songsPerDay: 22, churnPerDay: 2 },
      ],
      charts: [{ chart: "regional-global-daily", firstDay: "2024-04-22", days: 3, rowsPerDay: 12 }],
    });
    local = await localLakeSource(lakeDir);
  });
  afterAll(async () => {
    local?.close();
    await rm(lakeDir, { recursive: true, force: true });
  });

  it("equals the data read through DuckDB", async () => {
    // Prepare
    const athenaLike: LakeSource = {
      ...local,
      description: "Athena-shaped",
      query: async (sql) =>
        (await local.query(sql)).map((row): Row =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, asAthenaPrints(v)])),
        ),
    };

    // Act
    const fromDuckDb = await loadReportData(local);
    const fromAthena = await loadReportData(athenaLike);

    // Assess
    expect(fromDuckDb.playlists[0]).toMatchObject({
      lastSnapshotDate: "2024-04-24",
      lastExtractedAt: new Date("2024-04-24T16:00:03Z"),
    });
    expect(fromDuckDb.charts!.streams.length).toBeGreaterThan(0);
    expect({ ...fromAthena, source: "" }).toEqual({ ...fromDuckDb, source: "" });
  });
});
