/**
 * The report's charts as Vega-Lite specs (pure: data in, specs out). Each chart names its main
 * mark, so the SVG carries a class to find it by (`<name>_marks`), which the browser test counts.
 */
import type { TopLevelSpec } from "vega-lite";
import { BUMP_TOP, STREAMS_TOP, type ReportData } from "./queries";

/** One chart of a panel: where it goes in the page and what it draws. */
export interface ChartSpec {
  /** The element id, unique in the page. */
  id: string;
  /** The mark that carries the data: one line per song, one bar per value. */
  markName: string;
  spec: TopLevelSpec;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 720;
// Dates are `YYYY-MM-DD` strings, which JavaScript parses as UTC midnight: keep the scale in UTC.
const dayAxis = (title: string) => ({
  field: "date",
  type: "temporal" as const,
  timeUnit: "utcyearmonthdate" as const,
  title,
  // Padding keeps the first and last day's points and labels off the plot's edges.
  scale: { padding: 12 },
  axis: { format: "%b %d", labelAngle: 0, tickCount: "day" as const },
});

// Vega-Lite parses a temporal field into a timestamp, so the tooltip must format it (in UTC).
const dayTooltip = {
  field: "date",
  type: "temporal" as const,
  timeUnit: "utcyearmonthdate" as const,
  title: "day",
  format: "%Y-%m-%d",
};

/** Rows grouped by key in first-seen order (Node 20 has no `Map.groupBy`). */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

const slug = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, "_");

/**
 * Each playlist's label, by id: its name, with the id added when another playlist has the same
 * name, so that charts grouping by label (as the artists chart by its ranked label) never merge
 * two playlists.
 */
function playlistLabels(playlists: ReportData["playlists"]): Map<string, string> {
  const byName = groupBy(playlists, (p) => p.playlistName);
  return new Map(
    playlists.map((p) => [
      p.playlistId,
      (byName.get(p.playlistName)?.length ?? 0) > 1
        ? `${p.playlistName} (${p.playlistId})`
        : p.playlistName,
    ]),
  );
}

/** The bump chart's axis reaches this position at most. */
const BUMP_DEPTH = 50;

/** Every position when there are few, else 1 and every fifth. */
function positionTicks(bottom: number): number[] {
  const step = bottom <= 25 ? 1 : 5;
  const ticks = [1];
  for (let tick = step === 1 ? 2 : 5; tick <= bottom; tick += step) ticks.push(tick);
  return ticks;
}

/**
 * One bump chart per playlist: the rank over time of the songs in the top {@link BUMP_TOP} of
 * its latest day, one line per song, labelled at the latest day.
 */
export function bumpCharts(data: Pick<ReportData, "bump" | "playlists">): ChartSpec[] {
  const names = playlistLabels(data.playlists);
  const byPlaylist = groupBy(data.bump, (point) => point.playlistId);
  return [...byPlaylist].map(([playlistId, points], index) => {
    const latest = points.reduce((max, p) => (p.snapshotDate > max ? p.snapshotDate : max), "");
    // Songs that climbed from far down enter from the bottom edge (clipped): a full-depth axis
    // would squeeze the top 20 and their labels together.
    const bottom = Math.min(Math.max(...points.map((p) => p.position)), BUMP_DEPTH);
    const markName = `bump_${index}`;
    return {
      id: `bump-${slug(playlistId)}`,
      markName,
      spec: {
        $schema: SCHEMA,
        title: {
          text: `${names.get(playlistId) ?? playlistId}: the top ${BUMP_TOP} of ${latest}`,
          subtitle: "position on each snapshot day (the day's latest snapshot)",
        },
        width: WIDTH,
        // At least 14 px per position, so the labels of adjacent songs do not overlap.
        height: Math.max(420, 14 * bottom),
        data: {
          values: points.map((p) => ({
            date: p.snapshotDate,
            position: p.position,
            song: p.songName,
            songId: p.songId,
            latest: p.snapshotDate === latest,
          })),
        },
        encoding: {
          x: dayAxis("snapshot day"),
          y: {
            field: "position",
            type: "quantitative",
            title: "position",
            // Half a position of room above the first and below the last, for the points.
            scale: { reverse: true, domain: [0.5, bottom + 0.5], nice: false, zero: false },
            axis: { values: positionTicks(bottom), grid: true },
          },
          color: {
            field: "songId",
            type: "nominal",
            legend: null,
            scale: { scheme: "tableau20" },
          },
        },
        layer: [
          {
            name: markName,
            mark: { type: "line", strokeWidth: 2.5, interpolate: "monotone", clip: true },
            encoding: { detail: { field: "songId", type: "nominal" } },
          },
          {
            mark: { type: "circle", size: 45, opacity: 1, clip: true },
            encoding: {
              tooltip: [
                { field: "song", title: "song" },
                dayTooltip,
                { field: "position", title: "position" },
              ],
            },
          },
          {
            transform: [{ filter: "datum.latest" }],
            mark: { type: "text", align: "left", dx: 8, fontSize: 11, limit: 220 },
            encoding: {
              text: { field: "song" },
              color: { value: "#333" },
            },
          },
        ],
      },
    };
  });
}

/** Each playlist's new entries (up) and drop-outs (down) per snapshot day, one bar each. */
export function churnChart(data: Pick<ReportData, "churn" | "playlists">): ChartSpec | undefined {
  if (data.churn.length === 0) return undefined;
  const names = playlistLabels(data.playlists);
  const values = data.churn.flatMap((day) => {
    const playlist = names.get(day.playlistId) ?? day.playlistId;
    const common = { playlist, date: day.snapshotDate, previous: day.previousDate };
    return [
      { ...common, kind: "new entries", songs: day.newEntries, count: day.newEntries },
      { ...common, kind: "drop-outs", songs: -day.dropOuts, count: day.dropOuts },
    ];
  });
  const markName = "churn";
  return {
    id: "churn",
    markName,
    spec: {
      $schema: SCHEMA,
      title: {
        text: "New entries and drop-outs per day",
        subtitle: "compared with the playlist's snapshot day before",
      },
      data: { values },
      facet: {
        row: {
          field: "playlist",
          type: "nominal",
          title: null,
          header: {
            labelAngle: 0,
            labelOrient: "top",
            labelAnchor: "start",
            labelFontSize: 13,
            labelFontWeight: "bold",
          },
        },
      },
      spec: {
        width: WIDTH,
        height: 160,
        layer: [
          {
            name: markName,
            mark: { type: "bar" },
            encoding: {
              x: {
                field: "date",
                type: "ordinal",
                timeUnit: "utcyearmonthdate",
                title: "snapshot day",
                axis: { format: "%b %d", labelAngle: 0 },
              },
              y: {
                field: "songs",
                type: "quantitative",
                title: "songs",
                // Drop-outs are drawn downwards but are counts: label them without a sign.
                axis: { tickMinStep: 1, labelExpr: "format(abs(datum.value), 'd')" },
              },
              color: {
                field: "kind",
                type: "nominal",
                title: null,
                scale: { domain: ["new entries", "drop-outs"], range: ["#1db954", "#e4572e"] },
                legend: { orient: "top" },
              },
              tooltip: [
                { field: "kind" },
                { field: "count", title: "songs" },
                dayTooltip,
                { field: "previous", title: "compared with" },
              ],
            },
          },
          {
            mark: { type: "text", dy: { expr: "datum.songs < 0 ? 9 : -7" }, fontSize: 11 },
            encoding: {
              x: { field: "date", type: "ordinal", timeUnit: "utcyearmonthdate" },
              y: { field: "songs", type: "quantitative" },
              text: { field: "count" },
              detail: { field: "kind" },
            },
          },
        ],
      },
    },
  };
}

/** Artists ranked by days on the chart, one bar each (the `top_artists_by_days_on_chart` query). */
export function artistsChart(data: Pick<ReportData, "artists">): ChartSpec | undefined {
  if (data.artists.length === 0) return undefined;
  const markName = "artists";
  return {
    id: "artists",
    markName,
    spec: {
      $schema: SCHEMA,
      title: {
        text: "Artists by days on the chart",
        subtitle: "days any of their songs was on a playlist's chart",
      },
      width: WIDTH - 200,
      height: { step: 20 },
      data: {
        // The rank makes each label unique, so two artists of one name keep two bars.
        values: data.artists.map((a, i) => ({ ...a, label: `${i + 1}. ${a.artistName}` })),
      },
      encoding: {
        y: { field: "label", type: "nominal", sort: null, title: null },
        x: {
          field: "daysOnChart",
          type: "quantitative",
          title: "days on chart",
          axis: { tickMinStep: 1, format: "d" },
        },
      },
      layer: [
        {
          name: markName,
          mark: { type: "bar", color: "#1db954" },
          encoding: {
            tooltip: [
              { field: "artistName", title: "artist" },
              { field: "daysOnChart", title: "days on chart" },
              { field: "songsOnChart", title: "songs" },
              { field: "bestPosition", title: "best position" },
            ],
          },
        },
        {
          mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
          encoding: {
            text: {
              value: {
                expr: "datum.songsOnChart + (datum.songsOnChart === 1 ? ' song' : ' songs') + ', best #' + datum.bestPosition",
              },
            },
          },
        },
      ],
    },
  };
}

/** Streams over time of the top {@link STREAMS_TOP} songs of each chart's latest file, one line per song. */
export function streamsCharts(data: Pick<ReportData, "charts">): ChartSpec[] {
  const byChart = groupBy(data.charts?.streams ?? [], (point) => point.chart);
  return [...byChart].flatMap(([chart, all], index) => {
    const latest = all.reduce((max, p) => (p.snapshotDate > max ? p.snapshotDate : max), "");
    // The legend names each song once, by its rank and name in the latest file: unique, in chart
    // order, and one colour per song even when its name changed or a count is missing that day.
    const labels = new Map<string, string>();
    for (const p of all.filter((p) => p.snapshotDate === latest).sort((a, b) => a.rank - b.rank)) {
      if (!labels.has(p.songId)) labels.set(p.songId, `${p.rank}. ${p.songName}`);
    }
    const labelOf = (p: (typeof all)[number]) => labels.get(p.songId);
    const legendOrder = [...labels.values()];
    const rows = all.filter((p) => p.streams !== null);
    if (rows.length === 0) return [];
    const markName = `streams_${index}`;
    return {
      id: `streams-${slug(chart)}`,
      markName,
      spec: {
        $schema: SCHEMA,
        title: {
          text: `${chart}: streams of the top ${STREAMS_TOP} of ${latest}`,
          subtitle: "from the Spotify Charts files (chart_positions)",
        },
        // Room for the legend on the right.
        width: WIDTH - 80,
        height: 320,
        data: {
          values: rows.map((p) => ({
            date: p.snapshotDate,
            streams: p.streams,
            song: p.songName,
            artists: p.artistNames,
            songId: p.songId,
            label: labelOf(p),
            rank: p.rank,
          })),
        },
        encoding: {
          x: dayAxis("chart day"),
          // Not from zero: the top songs' counts are close together.
          y: {
            field: "streams",
            type: "quantitative",
            title: "streams",
            scale: { zero: false },
            axis: { format: "~s" },
          },
          // A legend, not labels at the line ends: lower ranks' counts are too close to label.
          color: {
            field: "label",
            type: "nominal",
            title: `rank on ${latest}`,
            scale: { domain: legendOrder, scheme: "tableau10" },
            legend: {
              orient: "right",
              labelLimit: 240,
              symbolType: "stroke",
              symbolStrokeWidth: 3,
            },
          },
        },
        layer: [
          {
            name: markName,
            mark: { type: "line", strokeWidth: 2.5, point: false },
            encoding: { detail: { field: "songId", type: "nominal" } },
          },
          {
            mark: { type: "circle", size: 40, opacity: 1 },
            encoding: {
              tooltip: [
                { field: "song" },
                { field: "artists" },
                dayTooltip,
                { field: "rank" },
                { field: "streams", format: "," },
              ],
            },
          },
        ],
      },
    };
  });
}
