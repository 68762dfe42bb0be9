import { describe, expect, it } from "@jest/globals";
import { renderReport } from "../../scripts/report/html";
import type { ReportData } from "../../scripts/report/queries";

/** A lake with one playlist last extracted at `extractedAt`. */
const lake = (extractedAt: string): ReportData => ({
  source: "test",
  playlists: [
    {
      playlistId: "p1",
      playlistName: "Mix",
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
