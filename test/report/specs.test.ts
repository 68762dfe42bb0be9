import { churnChart, streamsCharts } from "../../scripts/report/specs";
import type { ChurnDay, PlaylistFreshness, StreamsPoint } from "../../scripts/report/queries";

const point = (
  snapshotDate: string,
  songId: string,
  songName: string,
  rank: number,
  streams: number | null,
): StreamsPoint => ({
  chart: "regional-global-daily",
  snapshotDate,
  songId,
  songName,
  artistNames: "Artist",
  rank,
  streams,
});

/** The spec's data values and its colour domain. */
function legendOf(streams: StreamsPoint[]) {
  const [chart] = streamsCharts({ charts: { streams, files: [] } });
  const spec = chart!.spec as {
    data: { values: { label: string; songId: string }[] };
    encoding: { color: { scale: { domain: string[] } } };
  };
  return { values: spec.data.values, domain: spec.encoding.color.scale.domain };
}

describe("streamsCharts", () => {
  it("labels each song once, by its latest rank and name, though renamed or uncounted that day", () => {
    // Act: song A was renamed; song B's count is missing on the latest day
    const { values, domain } = legendOf([
      point("2026-11-29", "A", "Song (feat. X)", 2, 900),
      point("2026-11-30", "A", "Song", 1, 1000),
      point("2026-11-29", "B", "B", 1, 950),
      point("2026-11-30", "B", "B", 2, null),
    ]);

    // Assess
    expect(domain).toEqual(["1. Song", "2. B"]);
    expect(values.map((v) => [v.songId, v.label])).toEqual([
      ["A", "1. Song"],
      ["A", "1. Song"],
      ["B", "2. B"],
    ]);
  });

  it("draws no chart for a series without a single stream count", () => {
    expect(
      streamsCharts({ charts: { streams: [point("2026-11-30", "A", "A", 1, null)], files: [] } }),
    ).toEqual([]);
  });
});

describe("churnChart", () => {
  const playlist = (playlistId: string, playlistName: string): PlaylistFreshness => ({
    playlistId,
    playlistName,
    lastSnapshotDate: "2026-11-30",
    lastExtractedAt: null,
    snapshotDays: 2,
  });
  const day = (playlistId: string, newEntries: number): ChurnDay => ({
    playlistId,
    snapshotDate: "2026-11-30",
    previousDate: "2026-11-29",
    newEntries,
    dropOuts: 0,
  });

  it("keeps two playlists of one name apart, naming each by its id too", () => {
    // Act
    const chart = churnChart({
      playlists: [playlist("idA", "Mix"), playlist("idB", "Mix"), playlist("idC", "Other")],
      churn: [day("idA", 1), day("idB", 2), day("idC", 3)],
    });

    // Assess: the chart facets on `playlist`, one row per distinct value.
    const spec = chart!.spec as {
      facet: { row: { field: string } };
      data: { values: Record<string, unknown>[] };
    };
    const rows = spec.data.values
      .filter((v) => v.kind === "new entries")
      .map((v) => [v[spec.facet.row.field], v.count]);
    expect(rows).toEqual([
      ["Mix (idA)", 1],
      ["Mix (idB)", 2],
      ["Other", 3],
    ]);
  });
});
