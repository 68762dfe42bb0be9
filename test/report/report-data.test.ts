import { loadReportData } from "../../scripts/report/queries";
import type { LakeSource } from "../../scripts/report/lake-source";

/** A lake source with the given tables that records what it is asked and answers no rows. */
function recordingSource(tables: string[]): LakeSource & { sent: string[] } {
  const sent: string[] = [];
  return {
    description: "test lake",
    tables: new Set(tables),
    sent,
    query: (sql) => {
      sent.push(sql);
      return Promise.resolve([]);
    },
    close: () => undefined,
  };
}

describe("loadReportData", () => {
  it("refuses a lake with neither snapshot tables nor chart files, asking nothing", async () => {
    // Prepare
    const source = recordingSource([]);

    // Act, Assess
    await expect(loadReportData(source)).rejects.toThrow(
      "the lake has no tables yet (test lake): no snapshot or chart file was transformed",
    );
    expect(source.sent).toEqual([]);
  });

  it("asks only the chart queries of a lake of chart files", async () => {
    // Prepare
    const source = recordingSource(["chart_positions"]);

    // Act
    const data = await loadReportData(source);

    // Assess
    expect(source.sent.map((sql) => /FROM (\w+)/.exec(sql)?.[1])).toEqual([
      "chart_positions",
      "chart_positions",
    ]);
    expect(data).toMatchObject({ playlists: [], bump: [], churn: [], artists: [] });
    expect(data.charts).toEqual({ streams: [], files: [] });
  });

  it("asks nothing of chart_positions in a lake without chart files", async () => {
    // Prepare
    const source = recordingSource(["songs", "albums", "artists", "playlists"]);

    // Act
    const data = await loadReportData(source);

    // Assess
    expect(source.sent).toHaveLength(4);
    expect(source.sent.filter((sql) => sql.includes("chart_positions"))).toEqual([]);
    expect(data.charts).toBeNull();
  });
});
