/**
 * Data freshness: how old each playlist's last snapshot and each chart's last file are, and
 * whether the lake as a whole is stale (its newest data older than the limit).
 */
import type { ReportData } from "./queries";

/** The lake is stale when its newest data is older than this. */
export const STALE_AFTER_DAYS = 2;
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
  stale: boolean;
}

/** The freshness panel's content. */
export interface Freshness {
  rows: FreshnessRow[];
  /** The newest of all rows; undefined for a lake with no data. */
  newest: FreshnessRow | undefined;
  /** True when even the newest data is older than {@link STALE_AFTER_DAYS} (or there is none). */
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
 * Ages relative to `now`. A playlist counts from its latest `extracted_at`; one whose files do
 * not say when (and a chart file, which names only its day) counts from the end of its last
 * day (or from now during that day), so a missing time never raises a false alarm.
 */
export function freshnessOf(
  data: Pick<ReportData, "playlists" | "charts">,
  now: Date,
  staleAfterDays = STALE_AFTER_DAYS,
): Freshness {
  const row = (kind: FreshnessRow["kind"], name: string, lastDate: string, asOf: Date) => {
    const ageDays = (now.getTime() - asOf.getTime()) / DAY_MS;
    return { kind, name, lastDate, asOf, ageDays, stale: ageDays > staleAfterDays };
  };
  const rows: FreshnessRow[] = [
    ...data.playlists.map((p) =>
      row(
        "playlist",
        p.playlistName,
        p.lastSnapshotDate,
        p.lastExtractedAt ?? dayAsOf(p.lastSnapshotDate, now),
      ),
    ),
    ...(data.charts?.files ?? []).map((c) =>
      row("chart", c.chart, c.lastDate, dayAsOf(c.lastDate, now)),
    ),
  ];
  const newest = rows.reduce<FreshnessRow | undefined>(
    (best, candidate) => (!best || candidate.asOf > best.asOf ? candidate : best),
    undefined,
  );
  return { rows, newest, stale: !newest || newest.stale };
}
