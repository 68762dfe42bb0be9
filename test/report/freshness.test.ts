import { freshnessOf } from "../../scripts/report/freshness";
import type { ReportData } from "../../scripts/report/queries";

const playlist = (lastSnapshotDate: string, lastExtractedAt: string | null) => ({
  playlistId: "p1",
  playlistName: "Top 50 - Global",
  lastSnapshotDate,
  lastExtractedAt: lastExtractedAt === null ? null : new Date(lastExtractedAt),
  snapshotDays: 3,
});

const chartFile = (lastDate: string, period = "daily") => ({
  chart: `regional-global-${period}`,
  region: "global",
  period,
  lastDate,
  files: 5,
});

const data = (
  playlists: ReportData["playlists"],
  files: ReturnType<typeof chartFile>[] | null = null,
): Pick<ReportData, "playlists" | "charts"> => ({
  playlists,
  charts: files && { streams: [], files },
});

describe("freshnessOf", () => {
  it("is fresh up to 2 days after the last extract and stale after", () => {
    // Prepare
    const lake = data([playlist("2024-04-28", "2024-04-28T16:00:03Z")]);

    // Act
    const atTwoDays = freshnessOf(lake, new Date("2024-04-30T16:00:03Z"));
    const justAfter = freshnessOf(lake, new Date("2024-04-30T16:00:04Z"));

    // Assess
    expect(atTwoDays).toMatchObject({ stale: false, newest: { ageDays: 2 } });
    expect(justAfter.stale).toBe(true);
  });

  it("judges the lake by its newest source: a recent chart file makes an old playlist fine", () => {
    // Act
    const freshness = freshnessOf(
      data([playlist("2024-04-20", "2024-04-20T16:00:03Z")], [chartFile("2024-04-27")]),
      new Date("2024-04-29T12:00:00Z"),
    );

    // Assess
    expect(freshness.stale).toBe(false);
    expect(freshness.newest).toMatchObject({ kind: "chart", ageDays: 1.5 });
    expect(freshness.rows.map((row) => [row.kind, row.stale])).toEqual([
      ["playlist", true],
      ["chart", false],
    ]);
  });

  it("names the newest of two fresh charts", () => {
    // Act
    const freshness = freshnessOf(
      data(
        [],
        [chartFile("2024-04-27"), { ...chartFile("2024-04-28"), chart: "regional-us-daily" }],
      ),
      new Date("2024-04-29T12:00:00Z"),
    );

    // Assess
    expect(freshness.newest).toMatchObject({ name: "regional-us-daily", stale: false });
  });

  it("counts a chart file of today from now, not from the end of the day", () => {
    // Act
    const freshness = freshnessOf(
      data([], [chartFile("2024-04-28")]),
      new Date("2024-04-28T16:00:03Z"),
    );

    // Assess
    expect(freshness.newest).toMatchObject({ ageDays: 0, asOf: new Date("2024-04-28T16:00:03Z") });
  });

  it("counts a playlist whose files do not say when from the end of its last day", () => {
    // Act
    const freshness = freshnessOf(
      data([playlist("2024-04-28", null)]),
      new Date("2024-05-01T06:00:00Z"),
    );

    // Assess
    expect(freshness.newest).toMatchObject({ ageDays: 2.25, stale: true });
  });

  it("counts a playlist from its last day when its newest files do not say when they were read", () => {
    // Act: the last extract_at is from an older file than the last snapshot day
    const freshness = freshnessOf(
      data([playlist("2026-12-03", "2026-11-20T06:00:00Z")]),
      new Date("2026-12-03T18:00:00Z"),
    );

    // Assess
    expect(freshness).toMatchObject({
      stale: false,
      newest: { ageDays: 0, asOf: new Date("2026-12-03T18:00:00Z") },
    });
  });

  it("gives a weekly chart, named for its week's end, a week more before it is stale", () => {
    // Act
    const at = (now: string) =>
      freshnessOf(data([], [chartFile("2026-11-26", "weekly")]), new Date(now));

    // Assess: the file covers up to the end of 2026-11-26; 2 + 7 days later it turns stale
    expect(at("2026-12-03T18:00:00Z")).toMatchObject({
      stale: false,
      newest: { staleAfterDays: 9, stale: false },
    });
    expect(at("2026-12-06T00:00:01Z").stale).toBe(true);
  });

  it("speaks of the newest fresh row: a fresh weekly chart beats a newer, stale playlist", () => {
    // Act
    const freshness = freshnessOf(
      data([playlist("2026-11-30", "2026-11-30T16:00:00Z")], [chartFile("2026-11-26", "weekly")]),
      new Date("2026-12-03T18:00:00Z"),
    );

    // Assess
    expect(freshness.stale).toBe(false);
    expect(freshness.newest).toMatchObject({ kind: "chart", lastDate: "2026-11-26" });
  });

  it("is stale when the lake holds no data", () => {
    // Act
    const freshness = freshnessOf(data([]), new Date("2024-04-28T00:00:00Z"));

    // Assess
    expect(freshness).toEqual({ rows: [], newest: undefined, stale: true });
  });
});
