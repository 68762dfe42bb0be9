/**
 * Data freshness: how old each playlist's last snapshot and each chart's last file are, and
 * whether the lake as a whole is stale (its newest data older than the limit).
 */
import type { ReportData } from "./queries";

/** The lake is stale when its newest data is older than this. */
export const STALE_AFTER_DAYS = 2;
/** A weekly chart file is named for its week's end, so the newest one may be a week older. */
const WEEK_DAYS = 7;
const DAY_MS = 86_400_000;

/** One source of data: a playlist or a chart. */
export interface FreshnessRow {
  kind: "playlist" | "chart";
  name: string;
  /** The last snapshot day, or the last chart file's date. */
  lastDate: string;
  /** The instant the age is counted from (see {@link freshnessOf}). */
  asOf: Date;
  ageDays: number;
  /** The age past which this row is stale: the limit, plus a week for a weekly chart. */
  staleAfterDays: number;
  stale: boolean;
}

/** The freshness panel's content. */
export interface Freshness {
  rows: FreshnessRow[];
  /** The newest row that is fresh, else the newest row; undefined for a lake with no data. */
  newest: FreshnessRow | undefined;
  /** True when no row is fresh (or there is none). */
  stale: boolean;
}

/**
 * The instant a day's data counts from: the end of the UTC day `YYYY-MM-DD` (a chart file
 * covers its whole day), or `now` while that day is still running, so today's file is not
 * "in the future".
 */
function dayAsOf(date: string, now: Date): Date {
  const start = Date.parse(`${date}T00:00:00Z`);
  return now.getTime() >= start && now.getTime() < start + DAY_MS ? now : new Date(start + DAY_MS);
}

/**
 * Ages relative to `now`. A playlist counts from its latest `extracted_at`; one whose last day
 * is later than that (its newest files do not say when they were read), and a chart file, which
 * names only its day, count from the end of that day (or from now during it), so a missing time
 * never raises a false alarm. A weekly chart is stale a week later than the rest.
 */
export function freshnessOf(
  data: Pick<ReportData, "playlists" | "charts">,
  now: Date,
  staleAfterDays = STALE_AFTER_DAYS,
): Freshness {
  const row = (
    kind: FreshnessRow["kind"],
    name: string,
    lastDate: string,
    asOf: Date,
    limitDays = staleAfterDays,
  ): FreshnessRow => {
    const ageDays = (now.getTime() - asOf.getTime()) / DAY_MS;
    return {
      kind,
      name,
      lastDate,
      asOf,
      ageDays,
      staleAfterDays: limitDays,
      stale: ageDays > limitDays,
    };
  };
  const playlistAsOf = (p: ReportData["playlists"][number]) =>
    p.lastExtractedAt && p.lastExtractedAt.toISOString().slice(0, 10) >= p.lastSnapshotDate
      ? p.lastExtractedAt
      : dayAsOf(p.lastSnapshotDate, now);
  const rows: FreshnessRow[] = [
    ...data.playlists.map((p) =>
      row("playlist", p.playlistName, p.lastSnapshotDate, playlistAsOf(p)),
    ),
    ...(data.charts?.files ?? []).map((c) =>
      row(
        "chart",
        c.chart,
        c.lastDate,
        dayAsOf(c.lastDate, now),
        staleAfterDays + (c.period === "weekly" ? WEEK_DAYS : 0),
      ),
    ),
  ];
  const newestOf = (candidates: FreshnessRow[]) =>
    candidates.reduce<FreshnessRow | undefined>(
      (best, candidate) => (!best || candidate.asOf > best.asOf ? candidate : best),
      undefined,
    );
  const newestFresh = newestOf(rows.filter((r) => !r.stale));
  return { rows, newest: newestFresh ?? newestOf(rows), stale: !newestFresh };
}
