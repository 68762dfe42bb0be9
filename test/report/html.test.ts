import { describe, expect, it } from "@jest/globals";
import { renderReport } from "../../scripts/report/html";
import type { ReportData } from "../../scripts/report/queries";

/** A lake with one playlist last extracted at `extractedAt`. */
const lake = (extractedAt: string, playlistName = "Mix"): ReportData => ({
  source: "test",
  playlists: [
    {
      playlistId: "p1",
      playlistName,
      lastSnapshotDate: extractedAt.slice(0, 10),
      lastExtractedAt: new Date(extractedAt),
      snapshotDays: 1,
    },
  ],
  bump: [],
  churn: [],
  artists: [],
  charts: null,
});

/** The freshness note's text, whitespace collapsed. */
const freshNote = (html: string) =>
  /<p class="fresh" id="fresh-note">([^<]*)<\/p>/.exec(html)?.[1]?.replace(/\s+/g, " ");

describe("renderReport's freshness note", () => {
  it("says how old the newest data is", () => {
    // Act
    const html = renderReport(lake("2026-11-30T16:00:00Z"), {
      now: new Date("2026-11-30T19:30:00Z"),
      libraries: [],
    });

    // Assess
    expect(freshNote(html)).toBe("✓ Fresh: the newest data (playlist Mix, 2026-11-30) is 3 h old.");
  });

  it("counts exactly one day as days, not hours", () => {
    // Act
    const html = renderReport(lake("2026-11-29T16:00:00Z"), {
      now: new Date("2026-11-30T16:00:00Z"),
      libraries: [],
    });

    // Assess
    expect(freshNote(html)).toBe(
      "✓ Fresh: the newest data (playlist Mix, 2026-11-29) is 1 d 0 h old.",
    );
  });

  it("reads right when the clock is earlier than the last extract", () => {
    // Act
    const html = renderReport(lake("2026-11-30T16:00:00Z"), {
      now: new Date("2026-11-30T15:00:00Z"),
      libraries: [],
    });

    // Assess
    expect(freshNote(html)).toBe(
      "✓ Fresh: the newest data (playlist Mix, 2026-11-30) is in the future (check the clocks).",
    );
  });
});

describe("renderReport's escaping", () => {
  const markup = "</script><b>x";

  it.each([
    ["fresh", "2026-11-30T19:00:00Z"],
    ["stale", "2026-12-03T19:00:00Z"],
  ])("keeps a name of markup text, in the page and its chart data (%s data)", (_, now) => {
    // Arrange: the name is the playlist's (title, freshness) and its song's (chart data)
    const data = lake("2026-11-30T16:00:00Z", markup);
    data.bump = [
      { playlistId: "p1", snapshotDate: "2026-11-30", songId: "s1", songName: markup, position: 1 },
    ];

    // Act
    const html = renderReport(data, { now: new Date(now), libraries: [] });

    // Assess
    expect(html).not.toContain("<b>x");
    const json = /<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(
      html,
    )![1]!;
    const [chart] = JSON.parse(json) as { spec: { data: { values: { song: string }[] } } }[];
    expect(chart!.spec.data.values[0]!.song).toBe(markup);
  });

  it("keeps a library's source whole, though it holds `</script>` or `<!--`", () => {
    // Arrange: the source is one expression, so the inlined text can be evaluated back
    const source = '"</SCRIPT><!--"';

    // Act
    const html = renderReport(lake("2026-11-30T16:00:00Z"), {
      now: new Date("2026-11-30T19:00:00Z"),
      libraries: [{ name: "lib", version: "1", source }],
    });

    // Assess: the element ends where the source does, and the text means the same
    const inlined = /<script data-library="lib@1">(.*?)<\/script>/is.exec(html)![1]!;
    expect(new Function(`return ${inlined}`)()).toBe("</SCRIPT><!--");
  });
});
