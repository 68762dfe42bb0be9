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

  it.each([
    [
      "a timestamp with another zone",
      { last_extracted_at: "2024-04-24 16:00:03.000 +02:00" },
      "expected a UTC timestamp",
    ],
    ["an empty number", { snapshot_days: "" }, 'expected a number, got ""'],
  ])("refuses %s in Athena's answer", async (_, value, error) => {
    // Prepare: a playlists row as Athena prints it, with one bad value
    const row = {
      playlist_id: "p1",
      last_snapshot_date: "2024-04-24",
      last_extracted_at: null,
      snapshot_days: "3",
      ...value,
    };
    const source = {
      ...recordingSource(["songs", "albums", "artists", "playlists"]),
      query: (sql: string) => Promise.resolve(sql.includes("last_snapshot_date") ? [row] : []),
    };

    // Act, Assess
    await expect(loadReportData(source)).rejects.toThrow(error);
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
