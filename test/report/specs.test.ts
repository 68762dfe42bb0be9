import { artistsChart, bumpCharts, churnChart, streamsCharts } from "../../scripts/report/specs";
import type {
  ArtistDays,
  BumpPoint,
  ChurnDay,
  PlaylistFreshness,
  StreamsPoint,
} from "../../scripts/report/queries";

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

  it("draws drop-outs downwards, as negative values, and counts them unsigned", () => {
    // Act
    const chart = churnChart({ playlists: [], churn: [{ ...day("idA", 1), dropOuts: 4 }] });

    // Assess
    const spec = chart!.spec as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values.find((v) => v.kind === "drop-outs")).toMatchObject({
      songs: -4,
      count: 4,
    });
  });
});

describe("bumpCharts", () => {
  const bump = (snapshotDate: string, songId: string, position: number): BumpPoint => ({
    playlistId: "p1",
    snapshotDate,
    songId,
    songName: songId,
    position,
  });
  /** The one chart's position axis and data values. */
  function specOf(points: BumpPoint[]) {
    const [chart] = bumpCharts({ playlists: [], bump: points });
    return chart!.spec as {
      data: { values: { date: string; latest: boolean }[] };
      encoding: {
        y: { scale: { reverse: boolean; domain: number[] }; axis: { values: number[] } };
      };
    };
  }

  it("puts position 1 at the top and flags only the latest day's points for labels", () => {
    // Act
    const spec = specOf([
      bump("2026-11-29", "A", 1),
      bump("2026-11-30", "A", 2),
      bump("2026-11-30", "B", 1),
    ]);

    // Assess
    expect(spec.encoding.y.scale.reverse).toBe(true);
    expect(spec.data.values.map((v) => [v.date, v.latest])).toEqual([
      ["2026-11-29", false],
      ["2026-11-30", true],
      ["2026-11-30", true],
    ]);
  });

  it.each([
    [25, [0.5, 25.5], Array.from({ length: 25 }, (_, i) => i + 1)],
    [120, [0.5, 50.5], [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]],
  ])(
    "reaches down to position %i (at most 50), ticking each or every fifth",
    (lowest, domain, ticks) => {
      // Act
      const { y } = specOf([bump("2026-11-30", "A", 1), bump("2026-11-30", "B", lowest)]).encoding;

      // Assess
      expect(y.scale.domain).toEqual(domain);
      expect(y.axis.values).toEqual(ticks);
    },
  );
});

describe("artistsChart", () => {
  it("keeps two artists of one name apart, labelled by rank in the data's order", () => {
    // Arrange
    const artist = (artistId: string, artistName: string): ArtistDays => ({
      artistId,
      artistName,
      daysOnChart: 3,
      songsOnChart: 1,
      bestPosition: 1,
    });

    // Act
    const chart = artistsChart({ artists: [artist("a1", "Same"), artist("a2", "Same")] });

    // Assess: one bar per label, in the data's order (sorted by name, "10." would come before "2.")
    const spec = chart!.spec as {
      data: { values: { label: string }[] };
      encoding: { y: { field: string; sort: unknown } };
    };
    expect(spec.data.values.map((v) => v.label)).toEqual(["1. Same", "2. Same"]);
    expect(spec.encoding.y).toMatchObject({ field: "label", sort: null });
  });
});
