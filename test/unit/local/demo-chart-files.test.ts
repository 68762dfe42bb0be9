/**
 * The local mode's week of Top 200 chart files: real export format, and a chart that behaves
 * like one (ranks that move, new entries and re-entries, history columns that agree day to day).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseChartCsv, parseChartFileName } from "../../../functions/transform/chart-csv";
import { DEMO_DAYS, DEMO_FIRST_DAY } from "../../../scripts/local/demo-charts";
import {
  captureTracks,
  chartFileText,
  demoChartFiles,
  writeDemoChartFiles,
  DEMO_CHART,
  DEMO_CHART_FILE_SIZE,
  SYNTHETIC_ID_PREFIX,
  SYNTHETIC_NAME_PREFIX,
  type ChartLine,
} from "../../../scripts/local/demo-chart-files";

const tracks = captureTracks();
const files = demoChartFiles(tracks);
const idOf = (line: ChartLine) => line.uri.slice("spotify:track:".length);

describe("captureTracks", () => {
  it("gives every distinct track of the captures once, with its artists in credit order", () => {
    // Assess: the Top 50 capture's 50 tracks and the 2026-shape page's one other track.
    expect(tracks).toHaveLength(51);
    expect(new Set(tracks.map((t) => t.id)).size).toBe(51);
    expect(tracks[0]).toMatchObject({
      name: "Fortnight (feat. Post Malone)",
      artistNames: ["Taylor Swift", "Post Malone"],
      releaseDate: "2024-04-18",
    });
  });
});

describe("demoChartFiles", () => {
  it("makes one daily export per demo day, named as charts.spotify.com names them", () => {
    // Assess
    expect(files).toHaveLength(DEMO_DAYS);
    files.forEach((file, day) => {
      const date = new Date(Date.parse(`${DEMO_FIRST_DAY}T00:00:00Z`) + day * 86_400_000)
        .toISOString()
        .slice(0, 10);
      expect(file.date).toBe(date);
      expect(parseChartFileName(file.fileName)).toEqual({
        chart: DEMO_CHART,
        region: "global",
        period: "daily",
        date,
      });
    });
  });

  it("has 200 lines a day with ranks 1..200 in order and each song once", () => {
    for (const file of files) {
      expect(file.lines.map((line) => line.rank)).toEqual(
        Array.from({ length: DEMO_CHART_FILE_SIZE }, (_, i) => i + 1),
      );
      expect(new Set(file.lines.map(idOf)).size).toBe(DEMO_CHART_FILE_SIZE);
    }
  });

  it("has streams strictly falling with rank, in Global Top 200 magnitudes", () => {
    for (const file of files) {
      const streams = file.lines.map((line) => line.streams);
      streams.slice(1).forEach((value, i) => expect(value).toBeLessThan(streams[i]!));
      expect(streams[0]).toBeGreaterThanOrEqual(1_000_000);
      expect(streams[0]).toBeLessThanOrEqual(8_000_000);
      expect(streams[DEMO_CHART_FILE_SIZE - 1]).toBeGreaterThanOrEqual(250_000);
      expect(streams[DEMO_CHART_FILE_SIZE - 1]).toBeLessThanOrEqual(400_000);
      expect(streams.every(Number.isSafeInteger)).toBe(true);
    }
  });

  it("gives each line the previous day's rank, or -1 for a song that was not on it", () => {
    for (let day = 1; day < files.length; day++) {
      const yesterday = new Map(files[day - 1]!.lines.map((line) => [idOf(line), line.rank]));
      for (const line of files[day]!.lines) {
        expect([idOf(line), line.previous_rank]).toEqual([
          idOf(line),
          yesterday.get(idOf(line)) ?? -1,
        ]);
      }
    }
  });

  it("keeps peak_rank and days_on_chart consistent across the week", () => {
    const last = new Map<string, ChartLine>();
    for (const file of files) {
      for (const line of file.lines) {
        const before = last.get(idOf(line));
        expect(line.peak_rank).toBeLessThanOrEqual(line.rank);
        if (before) {
          expect([idOf(line), line.days_on_chart, line.peak_rank]).toEqual([
            idOf(line),
            before.days_on_chart + 1,
            Math.min(before.peak_rank, line.rank),
          ]);
        } else if (line.days_on_chart === 1) {
          expect([line.peak_rank, line.previous_rank]).toEqual([line.rank, -1]);
        }
        last.set(idOf(line), line);
      }
    }
  });

  it("has ranks that move, new entries and re-entries in the week", () => {
    const later = files.slice(1).flatMap((file) => file.lines);
    const entries = later.filter((line) => line.previous_rank === -1);
    expect(
      later.filter((line) => line.previous_rank > 0 && line.previous_rank < line.rank).length,
    ).toBeGreaterThan(20);
    expect(later.filter((line) => line.previous_rank > line.rank).length).toBeGreaterThan(20);
    expect(entries.filter((line) => line.days_on_chart === 1).length).toBeGreaterThan(0);
    expect(entries.filter((line) => line.days_on_chart > 1).length).toBeGreaterThan(0);
    expect(new Set(files.flatMap((file) => file.lines.map(idOf))).size).toBeGreaterThan(
      DEMO_CHART_FILE_SIZE,
    );
  });

  it("charts every capture track as captured and synthesizes the rest from the captures' artists", () => {
    const real = new Map(tracks.map((track) => [track.id, track]));
    const realArtists = new Set(tracks.flatMap((track) => track.artistNames));
    const lines = files.flatMap((file) => file.lines);
    for (const track of tracks) expect(lines.map(idOf)).toContain(track.id);
    for (const line of lines) {
      const track = real.get(idOf(line));
      if (track) {
        expect([line.track_name, line.artist_names]).toEqual([
          track.name,
          track.artistNames.join(", "),
        ]);
      } else {
        expect(idOf(line).startsWith(SYNTHETIC_ID_PREFIX)).toBe(true);
        expect(line.track_name.startsWith(`${SYNTHETIC_NAME_PREFIX} `)).toBe(true);
        for (const name of line.artist_names.split(", ")) expect(realArtists).toContain(name);
      }
    }
  });

  it("is deterministic", () => {
    expect(demoChartFiles(tracks)).toEqual(files);
  });

  it("refuses sizes that are not positive integers", () => {
    expect(() => demoChartFiles(tracks, { days: 0 })).toThrow("days must be a positive integer");
    expect(() => demoChartFiles(tracks, { size: 1.5 })).toThrow("size must be a positive integer");
    expect(() => demoChartFiles([])).toThrow("need at least one real track");
  });
});

describe("chartFileText and writeDemoChartFiles", () => {
  it("writes exports that the transform's parser reads back line for line", async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), "demo-charts-"));
    await writeFile(path.join(dir, "mine.txt"), "a user's file");
    try {
      // Act
      const written = await writeDemoChartFiles(dir, files);

      // Assess: the user's file stays (--charts-dir may name any folder)
      expect((await readdir(dir)).sort()).toEqual(
        [...files.map((file) => file.fileName), "mine.txt"].sort(),
      );
      for (const [i, file] of files.entries()) {
        const text = await readFile(written[i]!, "utf8");
        expect(text).toBe(chartFileText(file));
        expect(text.startsWith("\uFEFFrank,uri,artist_names,track_name,source,peak_rank,")).toBe(
          true,
        );
        const parsed = parseChartCsv(text, `raw_data/to_process/${file.fileName}`);
        expect(parsed.rows).toEqual(
          file.lines.map((line) => ({
            chart: DEMO_CHART,
            region: "global",
            period: "daily",
            rank: line.rank,
            song_id: idOf(line),
            song_name: line.track_name,
            artist_names: line.artist_names,
            label: line.source,
            peak_rank: line.peak_rank,
            previous_rank: line.previous_rank === -1 ? null : line.previous_rank,
            periods_on_chart: line.days_on_chart,
            streams: line.streams,
            source_key: `raw_data/to_process/${file.fileName}`,
          })),
        );
      }
      // A name with a comma arrives quoted, as in Spotify's exports.
      expect(chartFileText(files[0]!)).toContain('"Taylor Swift, Post Malone"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
