/**
 * The report opened in a real browser (Debian's chromium through playwright-core, `make
 * chromium` installs it): it loads offline with no console message and no request but its own
 * file, every chart draws one SVG mark per datum, and the freshness panel warns on a stale lake
 * only. The expected counts come from the rows the test wrote, not from the report's code.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { localLakeSource } from "../../scripts/report/lake-source";
import { writeReport } from "../../scripts/report/write-report";
import { buildLake, dayAfter, type BuiltLake } from "../support/report-lake";

const SCREENSHOT = path.resolve(import.meta.dirname, "../../build/report.png");
const DAY_MS = 86_400_000;

/** A day's chart is its latest snapshot (docs/DESIGN.md): the rows of each playlist day's last one. */
function dayCharts(lake: BuiltLake) {
  const latest = new Map<string, number>();
  for (const s of lake.songs) {
    const key = `${s.playlist_id}|${s.snapshot_date}`;
    latest.set(key, Math.max(latest.get(key) ?? 0, s.extracted_at!.getTime()));
  }
  return lake.songs.filter(
    (s) => s.extracted_at!.getTime() === latest.get(`${s.playlist_id}|${s.snapshot_date}`),
  );
}

/** Lines and points the bump chart of one playlist must draw. */
function expectedBump(lake: BuiltLake, playlistId: string) {
  const rows = dayCharts(lake).filter((s) => s.playlist_id === playlistId);
  const lastDay = rows
    .map((s) => s.snapshot_date)
    .sort()
    .at(-1);
  const top = new Set(
    rows.filter((s) => s.snapshot_date === lastDay && s.position <= 20).map((s) => s.song_id),
  );
  // The day's chart holds a song once, so each point is a (day, song, position).
  const points = rows
    .filter((s) => top.has(s.song_id))
    .map((s) => `${s.snapshot_date} ${s.song_id} #${s.position}`)
    .sort();
  return { lines: top.size, points };
}

/** Each playlist day's new entries and drop-outs against its day before, as the bars say. */
function expectedChurn(lake: BuiltLake) {
  const members = new Map<string, Set<string>>();
  for (const s of dayCharts(lake)) {
    const key = `${s.playlist_id} ${s.snapshot_date}`;
    members.set(key, (members.get(key) ?? new Set()).add(s.song_id));
  }
  const bars: string[] = [];
  for (const playlist of new Set(lake.songs.map((s) => s.playlist_id))) {
    const days = [...members.keys()]
      .filter((key) => key.startsWith(`${playlist} `))
      .map((key) => key.slice(playlist.length + 1))
      .sort();
    for (let i = 1; i < days.length; i++) {
      const today = members.get(`${playlist} ${days[i]}`)!;
      const before = members.get(`${playlist} ${days[i - 1]}`)!;
      const newEntries = [...today].filter((song) => !before.has(song)).length;
      const dropOuts = [...before].filter((song) => !today.has(song)).length;
      bars.push(`${days[i]} new entries ${newEntries}`, `${days[i]} drop-outs ${dropOuts}`);
    }
  }
  return bars.sort();
}

/** Lines and points the streams chart of one chart must draw (songs of its last file's top 10). */
function expectedStreams(lake: BuiltLake, chart: string) {
  const rows = lake.chartPositions.filter((r) => r.chart === chart);
  const lastDay = rows
    .map((r) => r.snapshot_date)
    .sort()
    .at(-1);
  const top = new Set(
    rows.filter((r) => r.snapshot_date === lastDay && r.rank <= 10).map((r) => r.song_id),
  );
  const drawn = rows.filter((r) => top.has(r.song_id) && r.streams !== null);
  const legend = rows
    .filter((r) => r.snapshot_date === lastDay && top.has(r.song_id))
    .sort((a, b) => a.rank - b.rank)
    .map((r) => `${r.rank}. ${r.song_name}`);
  return { lines: new Set(drawn.map((r) => r.song_id)).size, points: drawn.length, legend };
}

/** Artists credited on the day charts, capped at the panel's 20. */
function expectedArtistBars(lake: BuiltLake) {
  return Math.min(20, new Set(dayCharts(lake).flatMap((s) => s.artist_ids)).size);
}

/** What a page did while it loaded. */
interface Loaded {
  page: Page;
  url: string;
  requests: string[];
  messages: string[];
}

describe("the report in chromium", () => {
  let browser: Browser;
  let workDir: string;
  const pages: Page[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), "report-"));
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  /** Writes the report of `lakeDir` as of `now` and opens it until every chart is drawn. */
  async function openReport(lakeDir: string, now: Date): Promise<Loaded> {
    const source = await localLakeSource(lakeDir);
    let url: string;
    try {
      ({ url } = await writeReport(source, path.join(lakeDir, "report.html"), now));
    } finally {
      source.close();
    }
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    pages.push(page);
    const requests: string[] = [];
    const messages: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}`));
    await page.goto(url);
    await page.waitForSelector("body[data-rendered]");
    expect(await page.getAttribute("body", "data-rendered")).toBe("true");
    return { page, url, requests, messages };
  }

  const count = (page: Page, selector: string) => page.locator(selector).count();
  // Vega gives every mark an aria-label of its encoded fields: "title: value; ...".
  const ariaLabels = (page: Page, selector: string) =>
    page
      .locator(selector)
      .evaluateAll((marks) => marks.map((mark) => mark.getAttribute("aria-label") ?? ""));
  const field = (label: string, title: string) =>
    new RegExp(`(?:^|; )${title}: ([^;]*)`).exec(label)?.[1];
  /** The bump chart's points as (day, song, position), read from the drawn marks. */
  const bumpPoints = async (page: Page, chartId: string) =>
    (await ariaLabels(page, `#${chartId} svg g.mark-symbol.role-mark > path`))
      .map((l) => `${field(l, "day")} ${field(l, "songId")} #${field(l, "position")}`)
      .sort();
  /** The churn chart's bars as (day, kind, songs), read from the drawn marks. */
  const churnBars = async (page: Page) =>
    (await ariaLabels(page, "#churn svg g.mark-rect.role-mark > path"))
      .map((l) => `${field(l, "day")} ${field(l, "kind")} ${field(l, "songs")?.replace("−", "")}`)
      .sort();
  const lines = (page: Page, chartId: string) =>
    count(page, `#${chartId} svg g.mark-line.role-mark > path`);
  const points = (page: Page, chartId: string) =>
    count(page, `#${chartId} svg g.mark-symbol.role-mark > path`);
  const bars = (page: Page, chartId: string) =>
    count(page, `#${chartId} svg g.mark-rect.role-mark > path`);

  describe("a lake with two playlists and two charts' files", () => {
    let lake: BuiltLake;
    let lakeDir: string;
    let lastExtract: Date;

    beforeAll(async () => {
      lakeDir = path.join(workDir, "full");
      lake = await buildLake(lakeDir, {
        playlists: [
          {
            id: "top50",
            name: "Top 50 - Global",
            firstDay: "2024-04-22",
            days: 7,
            songsPerDay: 30,
            churnPerDay: 2,
            earlierSnapshotOnLastDay: true,
          },
          // Fewer songs than the bump chart's top 20, and fewer days.
          {
            id: "indie",
            name: "Indie Picks",
            firstDay: "2024-04-25",
            days: 4,
            songsPerDay: 12,
            churnPerDay: 3,
          },
        ],
        charts: [
          { chart: "regional-global-daily", firstDay: "2024-04-22", days: 6, rowsPerDay: 15 },
          { chart: "regional-se-daily", firstDay: "2024-04-24", days: 3, rowsPerDay: 8 },
        ],
      });
      lastExtract = new Date(Math.max(...[...lake.lastExtractedAt.values()].map(Number)));
    });

    it("loads with no console message and no request but its own file, and draws every chart", async () => {
      // Act
      const { page, url, requests, messages } = await openReport(
        lakeDir,
        new Date(lastExtract.getTime() + DAY_MS),
      );

      // Assess
      expect(messages).toEqual([]);
      expect(requests).toEqual([url]);
      // The lake is named by its folder: a shared report carries no path of the writer's disk.
      expect(await page.textContent("p.meta")).toContain("from DuckDB over full");
      expect(await page.content()).not.toContain(workDir);
      for (const playlist of ["top50", "indie"]) {
        const expected = expectedBump(lake, playlist);
        expect({ playlist, lines: await lines(page, `bump-${playlist}`) }).toEqual({
          playlist,
          lines: expected.lines,
        });
        expect({ playlist, points: await bumpPoints(page, `bump-${playlist}`) }).toEqual({
          playlist,
          points: expected.points,
        });
      }
      // A new-entries bar and a drop-outs bar per playlist day but the first: 6 + 3 days.
      expect(await bars(page, "churn")).toBe(2 * (6 + 3));
      expect(await churnBars(page)).toEqual(expectedChurn(lake));
      expect(await bars(page, "artists")).toBe(expectedArtistBars(lake));
      for (const chart of ["regional-global-daily", "regional-se-daily"]) {
        const expected = expectedStreams(lake, chart);
        expect({ chart, lines: await lines(page, `streams-${chart}`) }).toEqual({
          chart,
          lines: expected.lines,
        });
        expect({ chart, points: await points(page, `streams-${chart}`) }).toEqual({
          chart,
          points: expected.points,
        });
        const legend = page.locator(`#streams-${chart} svg g.role-legend-label text`);
        expect({ chart, legend: await legend.allTextContents() }).toEqual({
          chart,
          legend: expected.legend,
        });
      }
      expect(await count(page, "#no-chart-files")).toBe(0);
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    it("shows a point's song, day and position in a tooltip on hover", async () => {
      // Prepare
      const { page } = await openReport(lakeDir, new Date(lastExtract.getTime() + DAY_MS));
      const point = page.locator("#bump-top50 svg g.mark-symbol.role-mark > path").nth(7);
      const label = (await point.getAttribute("aria-label")) ?? "";

      // Act
      await point.hover({ force: true });

      // Assess
      const tooltip = page.locator("#vg-tooltip-element.visible");
      await tooltip.waitFor();
      const text = (await tooltip.innerText()).replace(/\s+/g, " ");
      expect(text).toBe(
        `song ${field(label, "song")} day ${field(label, "day")} position ${field(label, "position")}`,
      );
      expect(field(label, "day")).toMatch(/^2024-04-\d\d$/);
    });

    it("says the lake is fresh when its newest data is 2 days old or less", async () => {
      // Act
      const { page } = await openReport(lakeDir, new Date(lastExtract.getTime() + 2 * DAY_MS));

      // Assess
      expect(await count(page, "#stale-warning")).toBe(0);
      await expect(page.locator("#fresh-note").textContent()).resolves.toContain("Fresh");
    });

    it("warns loudly when its newest data is more than 2 days old", async () => {
      // Act
      const { page, messages } = await openReport(
        lakeDir,
        new Date(lastExtract.getTime() + 2 * DAY_MS + 60_000),
      );

      // Assess
      expect(messages).toEqual([]);
      const warning = page.locator("#stale-warning");
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toMatch(/STALE DATA/);
      expect(await count(page, "#fresh-note")).toBe(0);
    });
  });

  describe("a lake without chart files", () => {
    let lake: BuiltLake;
    let lakeDir: string;
    const firstDay = "2024-05-01";

    beforeAll(async () => {
      lakeDir = path.join(workDir, "no-charts");
      lake = await buildLake(lakeDir, {
        playlists: [
          { id: "daily", name: "Daily Mix", firstDay, days: 3, songsPerDay: 25, churnPerDay: 4 },
        ],
      });
    });

    it("draws the playlist charts and says where the streams would come from", async () => {
      // Act
      const { page, requests, url, messages } = await openReport(
        lakeDir,
        new Date(`${dayAfter(firstDay, 3)}T09:00:00Z`),
      );

      // Assess
      expect(messages).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await lines(page, "bump-daily")).toBe(expectedBump(lake, "daily").lines);
      expect(await bumpPoints(page, "bump-daily")).toEqual(expectedBump(lake, "daily").points);
      expect(await churnBars(page)).toEqual(expectedChurn(lake));
      expect(await bars(page, "churn")).toBe(2 * 2);
      expect(await bars(page, "artists")).toBe(expectedArtistBars(lake));
      expect(await page.locator("#no-chart-files").isVisible()).toBe(true);
      expect(await count(page, "#streams svg")).toBe(0);
      expect(await count(page, "#stale-warning")).toBe(0);
    });

    it("draws the streams of a lake of chart files only, and says there are no snapshots", async () => {
      // Prepare
      const chartsOnly = path.join(workDir, "charts-only");
      const lake = await buildLake(chartsOnly, {
        playlists: [],
        charts: [{ chart: "regional-us-daily", firstDay, days: 4, rowsPerDay: 14 }],
      });

      // Act
      const { page, messages, requests, url } = await openReport(
        chartsOnly,
        new Date(`${dayAfter(firstDay, 4)}T12:00:00Z`),
      );

      // Assess
      expect(messages).toEqual([]);
      expect(requests).toEqual([url]);
      const expected = expectedStreams(lake, "regional-us-daily");
      expect(await lines(page, "streams-regional-us-daily")).toBe(expected.lines);
      expect(await points(page, "streams-regional-us-daily")).toBe(expected.points);
      for (const panel of ["#no-bump", "#no-churn"])
        await expect(page.locator(panel).textContent()).resolves.toMatch(/No playlist snapshot/);
      expect(await page.locator("#no-artists").isVisible()).toBe(true);
      await expect(page.locator("#fresh-note").textContent()).resolves.toContain(
        "regional-us-daily",
      );

      // A week later it is stale, and the way out is importing chart files, not the extract.
      const later = await openReport(chartsOnly, new Date(`${dayAfter(firstDay, 11)}T12:00:00Z`));
      await expect(later.page.locator("#stale-warning").textContent()).resolves.toMatch(
        /STALE DATA.*regional-us-daily.*make import-charts/s,
      );
    });

    it("draws a playlist's first day alone, with nothing to compare yet", async () => {
      // Prepare
      const firstDayOnly = path.join(workDir, "one-day");
      const oneDay = await buildLake(firstDayOnly, {
        playlists: [
          { id: "fresh", name: "New List", firstDay, days: 1, songsPerDay: 8, churnPerDay: 0 },
        ],
      });

      // Act
      const { page, messages } = await openReport(firstDayOnly, new Date(`${firstDay}T18:00:00Z`));

      // Assess
      expect(messages).toEqual([]);
      expect(await lines(page, "bump-fresh")).toBe(8);
      expect(await bumpPoints(page, "bump-fresh")).toEqual(expectedBump(oneDay, "fresh").points);
      expect(await page.locator("#no-churn").isVisible()).toBe(true);
      expect(await bars(page, "artists")).toBe(expectedArtistBars(oneDay));
    });
  });
});
