/**
 * The report page: a pure function from the lake's data (and the clock) to one HTML file that
 * holds its charting libraries and data inline, so it opens offline and loads nothing.
 */
import { freshnessOf, type Freshness } from "./freshness";
import type { InlineLibrary } from "./libraries";
import type { ReportData } from "./queries";
import { artistsChart, bumpCharts, churnChart, streamsCharts, type ChartSpec } from "./specs";

/** What {@link renderReport} needs besides the data. */
export interface RenderOptions {
  /** "Now" for the freshness panel (injectable, so tests and the demo choose it). */
  now: Date;
  /** The charting libraries' browser builds, inlined in load order (see `vegaLibraries`). */
  libraries: readonly InlineLibrary[];
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

// Inside <script> only `</script` (and `<!--`) can end the element early.
const inlineScript = (source: string) => source.replace(/<(\/script|!--)/gi, "<\\$1");
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function age(days: number): string {
  if (days < 0) return "in the future (check the clocks)";
  if (days < 1) return `${Math.floor(days * 24)} h`;
  return `${Math.floor(days)} d ${Math.floor((days % 1) * 24)} h`;
}

/** The age as the end of a sentence "… is …": "3 h old", or "in the future (…)". */
const ageOld = (days: number) => (days < 0 ? age(days) : `${age(days)} old`);

function freshnessPanel(freshness: Freshness, now: Date): string {
  const { newest } = freshness;
  const banner = !newest
    ? `<div class="warning" id="stale-warning" role="alert">⚠ The lake holds no data.</div>`
    : freshness.stale
      ? `<div class="warning" id="stale-warning" role="alert">⚠ STALE DATA: the newest data in the lake
         (${escapeHtml(newest.kind)} ${escapeHtml(newest.name)}, ${escapeHtml(newest.lastDate)}) is
         ${ageOld(newest.ageDays)}, more than ${newest.staleAfterDays} days. ${
           freshness.rows.some((row) => row.kind === "playlist")
             ? `Is the daily extract running? (<code>make alarms</code>, <code>make logs FN=extract</code>, docs/RUNBOOK.md)`
             : `Download the newest chart files and import them (<code>make import-charts</code>).`
         }</div>`
      : `<p class="fresh" id="fresh-note">✓ Fresh: the newest data (${escapeHtml(newest.kind)}
         ${escapeHtml(newest.name)}, ${escapeHtml(newest.lastDate)}) is ${ageOld(newest.ageDays)}.</p>`;
  const rows = freshness.rows
    .map(
      (row) => `<tr class="${row.stale ? "stale" : "ok"}">
        <td>${row.kind === "playlist" ? "playlist" : "chart file"}</td><td>${escapeHtml(row.name)}</td>
        <td>${escapeHtml(row.lastDate)}</td><td>${escapeHtml(row.asOf.toISOString().replace(".000Z", "Z"))}</td>
        <td>${age(row.ageDays)}${row.stale ? " ⚠" : ""}</td></tr>`,
    )
    .join("\n");
  const noCharts = freshness.rows.some((row) => row.kind === "chart")
    ? ""
    : `<p class="note">No chart file has been transformed yet.</p>`;
  return `<section id="freshness"><h2>Data freshness</h2>${banner}
    <table><thead><tr><th>source</th><th>name</th><th>last day</th><th>as of</th><th>age at ${escapeHtml(
      now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    )}</th></tr></thead>
    <tbody>${rows}</tbody></table>${noCharts}</section>`;
}

const chartDivs = (charts: readonly ChartSpec[]) =>
  charts.map((chart) => `<div class="chart" id="${escapeHtml(chart.id)}"></div>`).join("\n");

const section = (id: string, title: string, body: string) =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;

const empty = (id: string, text: string) => `<p class="empty" id="${id}">${escapeHtml(text)}</p>`;

/** Every chart of the report, in page order. */
function reportCharts(data: ReportData): ChartSpec[] {
  return [
    ...bumpCharts(data),
    ...[churnChart(data)].filter((c) => c !== undefined),
    ...[artistsChart(data)].filter((c) => c !== undefined),
    ...streamsCharts(data),
  ];
}

/** The whole report page, self-contained. */
export function renderReport(data: ReportData, options: RenderOptions): string {
  const bump = bumpCharts(data);
  const churn = churnChart(data);
  const artists = artistsChart(data);
  const streams = streamsCharts(data);
  const charts = reportCharts(data);
  // A lake of chart files only: say so instead of each playlist panel's own excuse.
  const noSnapshots =
    data.playlists.length === 0
      ? "No playlist snapshot has been transformed yet (the daily extract writes them)."
      : undefined;
  const streamsBody = !data.charts
    ? empty(
        "no-chart-files",
        "No chart files: upload Spotify Charts CSV exports with `make import-charts` to see streams here.",
      )
    : streams.length === 0
      ? empty("no-streams", "The chart files carry no stream counts.")
      : chartDivs(streams);
  const libraries = options.libraries
    .map(
      (lib) =>
        `<script data-library="${escapeHtml(`${lib.name}@${lib.version}`)}">${inlineScript(lib.source)}</script>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spotify-etl report</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1040px; padding: 16px 24px 48px; color: #222; }
  h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 36px; }
  .meta { color: #666; margin-top: 4px; }
  .warning { background: #b00020; color: #fff; font-weight: 700; font-size: 17px; padding: 14px 18px; border-radius: 6px; margin: 12px 0; }
  .warning code { color: #fff; }
  .fresh { background: #e7f6ec; color: #14532d; padding: 10px 14px; border-radius: 6px; }
  table { border-collapse: collapse; margin-top: 8px; } th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; }
  tr.stale td { color: #b00020; font-weight: 600; }
  .empty { background: #f4f4f4; padding: 12px 14px; border-radius: 6px; color: #555; }
  .note { color: #666; }
  .chart { margin: 12px 0 24px; }
</style>
${libraries}
</head>
<body>
<h1>spotify-etl report</h1>
<p class="meta">As of ${escapeHtml(options.now.toISOString().replace(/\.\d{3}Z$/, "Z"))}, from ${escapeHtml(data.source)}</p>
${freshnessPanel(freshnessOf(data, options.now), options.now)}
${section("bump", "Positions over time", bump.length ? chartDivs(bump) : empty("no-bump", noSnapshots ?? "No songs yet."))}
${section("churn-panel", "New entries and drop-outs", churn ? chartDivs([churn]) : empty("no-churn", noSnapshots ?? "Every playlist has a single snapshot day: nothing to compare yet."))}
${section("artists-panel", "Artists", artists ? chartDivs([artists]) : empty("no-artists", noSnapshots ?? "No credited artists yet."))}
${section("streams", "Streams (Spotify Charts files)", streamsBody)}
<script type="application/json" id="report-charts">${inlineJson(charts)}</script>
<script>
  // SVG, so the marks are elements in the page; no actions menu, whose links leave the page.
  const charts = JSON.parse(document.getElementById("report-charts").textContent);
  Promise.all(
    charts.map((chart) => vegaEmbed("#" + chart.id, chart.spec, { renderer: "svg", actions: false })),
  ).then(
    () => { document.body.dataset.rendered = "true"; },
    (error) => { document.body.dataset.rendered = "failed"; console.error(error); },
  );
</script>
</body>
</html>
`;
}
