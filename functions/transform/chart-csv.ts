/**
 * Spotify Charts CSV exports (docs/DESIGN.md, "Chart files", input shape 4) to `chart_positions`
 * rows. Pure: the handler, the command-line converter and `make import-charts` call it.
 */
import { parse } from "csv-parse/sync";
import { CHART_SUFFIX, snapshotNameFor } from "../shared/s3-layout";
import { InvalidChartFileError } from "./errors";
import type { ChartPositionRow } from "./tables";

/** What a chart export's file name says. */
export interface ChartFileName {
  /** The name without its date, e.g. `regional-global-daily`. */
  chart: string;
  /** `global` or a lower-case country code. */
  region: string;
  period: "daily" | "weekly";
  /** `YYYY-MM-DD`: the chart's day, or the end of its week as Spotify names it. */
  date: string;
}

/** One parsed chart export. */
export interface ChartFile extends ChartFileName {
  rows: ChartPositionRow[];
}

const CHART_NAME = /^regional-(global|[a-z]{2})-(daily|weekly)-(\d{4}-\d{2}-\d{2})$/;
const ANY_DATE = /\d{4}-\d{2}-\d{2}/;
const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;
const POSITIVE_INT = /^[1-9]\d*$/;
const NON_NEGATIVE_INT = /^(0|[1-9]\d*)$/;
const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;

const isRealDate = (date: string) => {
  const instant = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(instant.getTime()) && instant.toISOString().startsWith(date);
};

/**
 * Reads the chart, region, period and date from an export's file name (or a key or path
 * ending in it), `regional-<region>-<daily|weekly>-YYYY-MM-DD.csv`.
 * @throws {InvalidChartFileError} When the name has no date, an impossible date, or is not an
 *   export's name, saying what was found.
 */
export function parseChartFileName(keyOrPath: string): ChartFileName {
  const fileName = keyOrPath.slice(
    Math.max(keyOrPath.lastIndexOf("/"), keyOrPath.lastIndexOf("\\")) + 1,
  );
  const name = snapshotNameFor(fileName);
  const expected = "regional-<global|country code>-<daily|weekly>-YYYY-MM-DD.csv";
  if (!fileName.endsWith(CHART_SUFFIX)) {
    throw new InvalidChartFileError(
      `${fileName} is not a .csv file; chart exports are named ${expected}`,
    );
  }
  if (!ANY_DATE.test(name)) {
    throw new InvalidChartFileError(
      `${fileName} has no date in its name (expected ${expected}); the date is the chart's ` +
        "snapshot_date, so keep the name Spotify gave the download",
    );
  }
  const match = CHART_NAME.exec(name);
  if (!match) {
    throw new InvalidChartFileError(
      `${fileName} is not named like a Spotify Charts export (expected ${expected})`,
    );
  }
  const [, region, period, date] = match as unknown as [string, string, "daily" | "weekly", string];
  if (!isRealDate(date)) {
    throw new InvalidChartFileError(`${fileName}: ${date} in its name is not a calendar date`);
  }
  return { chart: name.slice(0, -date.length - 1), region, period, date };
}

/** The header an export of `period` has, with or without `source`. */
export function chartHeader(period: "daily" | "weekly", withSource = true): string[] {
  return [
    "rank",
    "uri",
    "artist_names",
    "track_name",
    ...(withSource ? ["source"] : []),
    "peak_rank",
    "previous_rank",
    period === "daily" ? "days_on_chart" : "weeks_on_chart",
    "streams",
  ];
}

const countIn = (record: string[], pattern: RegExp) =>
  record.reduce((count, value) => count + (value.match(pattern)?.length ?? 0), 0);

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((column, i) => column === b[i]);

/**
 * Parses one chart export into `chart_positions` rows.
 * @param text - The file decoded as UTF-8 (a leading byte order mark is accepted).
 * @param sourceKey - The raw key (or path) the file arrived under: its name says chart and
 *   date, and it is recorded as `source_key`.
 * @throws {InvalidChartFileError} For a bad file name, an empty file, a header that does not
 *   match, malformed CSV, a line with the wrong number of fields, a rank that is not a
 *   positive integer, a `uri` that is not a Spotify track URI, or a number column that is not
 *   an integer or is past its column's range; each names the line and what was found.
 */
export function parseChartCsv(text: string, sourceKey: string): ChartFile {
  const name = parseChartFileName(sourceKey);
  const fileName = snapshotNameFor(sourceKey.slice(sourceKey.lastIndexOf("/") + 1)) + CHART_SUFFIX;
  const fail = (line: number, what: string) =>
    new InvalidChartFileError(`${fileName} line ${line}: ${what}`);
  if (text.replace(/^\uFEFF/, "").trim() === "") {
    throw fail(1, "the file is empty; expected the header " + chartHeader(name.period).join(","));
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Line breaks as LF: csv-parse counts a CRLF inside quotes as two lines, in its errors and
    // in the line number of that record and of every later one.
    records = parse(text.replace(/\r\n?/g, "\n"), {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new InvalidChartFileError(
      `${fileName} line ${line}: not valid CSV (${(error as Error).message})`,
      { cause: error },
    );
  }
  // info.lines is where a record ends; its quoted fields may hold line breaks.
  const [header, ...lines] = records.map(({ record, info }) => ({
    record,
    line: info.lines - countIn(record, /\n/g),
  }));
  const columns = header!.record.map((column) => column.trim());
  const withSource = columns.includes("source");
  const expected = chartHeader(name.period, withSource);
  if (!sameColumns(columns, expected)) {
    throw fail(
      header!.line,
      `header ${JSON.stringify(columns.join(","))} does not match a ${name.period} export's ` +
        `${JSON.stringify(chartHeader(name.period).join(","))} (source may be absent)`,
    );
  }
  if (lines.length === 0) {
    throw fail(header!.line, "the file has a header but no chart lines");
  }
  const at = (column: string) => expected.indexOf(column);
  const rows = lines.map(({ record, line }): ChartPositionRow => {
    if (record.length !== expected.length) {
      throw fail(line, `expected ${expected.length} fields, found ${record.length}`);
    }
    const field = (column: string) => record[at(column)]!;
    const tooLarge = (column: string, range: string) =>
      fail(line, `${column} exceeds ${range}, found ${JSON.stringify(field(column))}`);
    const rank = field("rank").trim();
    if (!POSITIVE_INT.test(rank)) {
      throw fail(line, `rank must be a positive integer, found ${JSON.stringify(field("rank"))}`);
    }
    if (Number(rank) > INT32_MAX) throw tooLarge("rank", String(INT32_MAX));
    const uri = TRACK_URI.exec(field("uri").trim());
    if (!uri) {
      throw fail(
        line,
        `uri must be a Spotify track URI (spotify:track:<22-character id>), found ${JSON.stringify(field("uri"))}`,
      );
    }
    const optionalDigits = (column: string, pattern: RegExp, what: string) => {
      const value = field(column).trim();
      if (value !== "" && !pattern.test(value)) {
        throw fail(
          line,
          `${column} must be ${what} or empty, found ${JSON.stringify(field(column))}`,
        );
      }
      return value === "" ? null : value;
    };
    const optionalInt = (column: string, pattern: RegExp, what: string) => {
      const value = optionalDigits(column, pattern, what);
      if (value !== null && Number(value) > INT32_MAX) throw tooLarge(column, String(INT32_MAX));
      return value === null ? null : Number(value);
    };
    const optionalStreams = () => {
      const value = optionalDigits("streams", NON_NEGATIVE_INT, "a plain non-negative integer");
      if (value === null) return null;
      if (BigInt(value) > INT64_MAX) throw tooLarge("streams", "the int64 range");
      // A number is exact only up to 2^53 - 1; the Parquet writer takes a bigint as it is.
      return Number(value) > Number.MAX_SAFE_INTEGER ? BigInt(value) : Number(value);
    };
    const previous = field("previous_rank").trim();
    return {
      chart: name.chart,
      region: name.region,
      period: name.period,
      rank: Number(rank),
      song_id: uri[1]!,
      song_name: field("track_name"),
      artist_names: field("artist_names"),
      // Absent in some exports; an empty one says no more than an absent one.
      label: withSource && field("source") !== "" ? field("source") : null,
      peak_rank: optionalInt("peak_rank", POSITIVE_INT, "a positive integer"),
      // -1 is how the export marks a new entry: no previous rank.
      previous_rank:
        previous === "-1"
          ? null
          : optionalInt("previous_rank", POSITIVE_INT, "a positive integer or -1"),
      periods_on_chart: optionalInt(
        at("days_on_chart") === -1 ? "weeks_on_chart" : "days_on_chart",
        POSITIVE_INT,
        "a positive integer",
      ),
      streams: optionalStreams(),
      source_key: sourceKey,
    };
  });
  return { ...name, rows };
}
