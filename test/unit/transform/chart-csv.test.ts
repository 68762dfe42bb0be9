import { parquetReadObjects } from "hyparquet";
import {
  CHART_TABLE_NAME,
  processedKeyFor,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";
import { parseChartCsv, parseChartFileName } from "../../../functions/transform/chart-csv";
import { InvalidChartFileError } from "../../../functions/transform/errors";
import {
  transformRawObject,
  type LakeStore,
  type RawObject,
} from "../../../functions/transform/transform-raw-object";

const KEY = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
const DAILY =
  "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,days_on_chart,streams";
const WEEKLY =
  "rank,uri,artist_names,track_name,source,peak_rank,previous_rank,weeks_on_chart,streams";
const ID_A = "2plbrEY59IikOBgBGLjaoe";
const ID_B = "6dOtVTDdiauQNBQEDOtlAB";
const lineA = `1,spotify:track:${ID_A},"Lady Gaga, Bruno Mars",Die With A Smile,Interscope,1,1,466,5312345`;
const lineB = `2,spotify:track:${ID_B},Billie Eilish,"BIRDS OF A FEATHER (""live"")",,1,-1,1,4870000`;
const csv = (...lines: string[]) => lines.join("\n") + "\n";

describe("parseChartFileName", () => {
  it("reads chart, region, period and date from an export's name, also under a key", () => {
    expect(parseChartFileName("raw_data/to_process/regional-de-weekly-2026-11-26.csv")).toEqual({
      chart: "regional-de-weekly",
      region: "de",
      period: "weekly",
      date: "2026-11-26",
    });
  });

  it.each([
    ["regional-global-daily.csv", /has no date in its name/],
    ["regional-global-daily-2026-02-30.csv", /2026-02-30 in its name is not a calendar date/],
    ["top-songs-2026-11-30.csv", /is not named like a Spotify Charts export/],
    ["regional-global-daily-2026-11-30.txt", /is not a \.csv file/],
  ])("refuses %s", (name, message) => {
    expect(() => parseChartFileName(name)).toThrow(InvalidChartFileError);
    expect(() => parseChartFileName(name)).toThrow(message);
  });
});

describe("parseChartCsv", () => {
  it("reads a daily export with a byte order mark, quoted commas and quotes, a new entry and an empty source", () => {
    const chart = parseChartCsv("\uFEFF" + csv(DAILY, lineA, lineB), KEY);

    expect(chart.date).toBe("2026-11-30");
    expect(chart.rows).toEqual([
      {
        chart: "regional-global-daily",
        region: "global",
        period: "daily",
        rank: 1,
        song_id: ID_A,
        song_name: "Die With A Smile",
        artist_names: "Lady Gaga, Bruno Mars",
        label: "Interscope",
        peak_rank: 1,
        previous_rank: 1,
        periods_on_chart: 466,
        streams: 5312345,
        source_key: KEY,
      },
      expect.objectContaining({
        rank: 2,
        song_name: 'BIRDS OF A FEATHER ("live")',
        label: null,
        previous_rank: null,
        periods_on_chart: 1,
        streams: 4870000,
      }),
    ]);
  });

  it("reads a weekly export's weeks_on_chart", () => {
    const key = "raw_data/to_process/regional-us-weekly-2026-11-26.csv";
    const chart = parseChartCsv(csv(WEEKLY, lineA.replace(",466,", ",12,")), key);

    expect(chart.rows[0]).toMatchObject({ period: "weekly", region: "us", periods_on_chart: 12 });
  });

  it("reads an export without source, with a null label", () => {
    const header = DAILY.replace(",source", "");
    const line = `1,spotify:track:${ID_A},Sabrina Carpenter,Espresso,1,3,200,1000`;

    const chart = parseChartCsv(csv(header, line), KEY);

    expect(chart.rows[0]).toMatchObject({
      label: null,
      peak_rank: 1,
      previous_rank: 3,
      streams: 1000,
    });
  });

  it("reads a header with spaces around its cells, and rank and peak_rank at the int32 maximum", () => {
    const line = lineA
      .replace(/^1,/, "2147483647,")
      .replace(",Interscope,1,", ",Interscope,2147483647,");

    const chart = parseChartCsv(csv(DAILY.replaceAll(",", " , "), line), KEY);

    expect(chart.rows[0]).toMatchObject({ rank: 2147483647, peak_rank: 2147483647 });
  });

  it("reads streams past 2^53 - 1 exactly, as bigints, up to the int64 maximum", () => {
    const streams = ["9007199254740991", "9007199254740993", "9223372036854775807"];
    const text = csv(DAILY, ...streams.map((count) => lineA.replace("5312345", count)));

    expect(parseChartCsv(text, KEY).rows.map((row) => row.streams)).toEqual([
      9007199254740991,
      9007199254740993n,
      9223372036854775807n,
    ]);
  });

  it.each([
    ["an empty file", "", /line 1: the file is empty; expected the header rank,uri,/],
    ["a header only", csv(DAILY), /line 1: the file has a header but no chart lines/],
    [
      "a header that does not match",
      csv("position,uri,artist,track,streams", lineA),
      /line 1: header "position,uri,artist,track,streams" does not match a daily export's/,
    ],
    [
      "a weekly header in a daily file",
      csv(WEEKLY, lineA),
      /line 1: header .*weeks_on_chart.* does not match a daily export's/,
    ],
    [
      "a rank of 0",
      csv(DAILY, lineA, lineB.replace(/^2,/, "0,")),
      /line 3: rank must be a positive integer, found "0"/,
    ],
    [
      "a rank that is not a number",
      csv(DAILY, lineA.replace(/^1,/, "x,")),
      /line 2: rank must be a positive integer, found "x"/,
    ],
    [
      "an album URI",
      csv(DAILY, lineA.replace("spotify:track:", "spotify:album:")),
      /line 2: uri must be a Spotify track URI .*found "spotify:album:2plbrEY59IikOBgBGLjaoe"/,
    ],
    [
      "a track id of 21 characters",
      csv(DAILY, lineA.replace(ID_A, ID_A.slice(1))),
      /line 2: uri must be a Spotify track URI/,
    ],
    [
      "streams with a leading zero",
      csv(DAILY, lineA.replace("5312345", "007")),
      /line 2: streams must be a plain non-negative integer or empty, found "007"/,
    ],
    [
      "streams with a thousands separator",
      csv(DAILY, lineA.replace("5312345", '"5,312,345"')),
      /line 2: streams must be a plain non-negative integer or empty, found "5,312,345"/,
    ],
    ["a short line", csv(DAILY, "1,spotify:track:" + ID_A), /line 2: expected 9 fields, found 2/],
    ["a long line", csv(DAILY, lineA + ",x"), /line 2: expected 9 fields, found 10/],
    [
      "a rank past int32",
      csv(DAILY, lineA.replace(/^1,/, "2147483648,")),
      /line 2: rank exceeds 2147483647, found "2147483648"/,
    ],
    [
      "a peak_rank past int32",
      csv(DAILY, lineA.replace(",Interscope,1,", ",Interscope,2147483648,")),
      /line 2: peak_rank exceeds 2147483647, found "2147483648"/,
    ],
    [
      "streams past int64",
      csv(DAILY, lineA.replace("5312345", "9223372036854775808")),
      /line 2: streams exceeds the int64 range, found "9223372036854775808"/,
    ],
  ])("refuses %s with the line and what it found", (_, text, message) => {
    expect(() => parseChartCsv(text, KEY)).toThrow(InvalidChartFileError);
    expect(() => parseChartCsv(text, KEY)).toThrow(message);
  });

  it.each([
    ["LF", "\n", "\n"],
    ["CRLF", "\r\n", "\r\n"],
    ["CRLF", "\r\n", "\n"],
    ["LF", "\n", "\r\n"],
  ])(
    "counts lines from the start of each record in a %s file whose quoted name holds %j",
    (_, lineEnd, quotedBreak) => {
      const name = `"Die With${quotedBreak}A${quotedBreak}Smile"`;
      const text = [
        DAILY,
        lineA.replace("Die With A Smile", name),
        lineB,
        lineB.replace(/^2,/, "-2,"),
      ]
        .map((line) => line + lineEnd)
        .join("");

      expect(() => parseChartCsv(text, KEY)).toThrow(/line 6: rank must be a positive integer/);
      const badUri = text.replace(`2,spotify:track:${ID_B}`, "2,spotify:track:bad");
      expect(() => parseChartCsv(badUri, KEY)).toThrow(/line 5: uri must be/);
      const badQuote = text.replace(`2,spotify:track:${ID_B},`, `2,spotify:track:${ID_B},x "y",`);
      expect(() => parseChartCsv(badQuote, KEY)).toThrow(/line 5: not valid CSV/);
    },
  );

  it("refuses a file whose name has no date, before reading it", () => {
    expect(() => parseChartCsv(csv(DAILY, lineA), "raw_data/to_process/charts.csv")).toThrow(
      /charts\.csv has no date in its name/,
    );
  });
});

/** A minimal lake in memory: enough to follow one chart file through the transform. */
class MemoryLake implements LakeStore {
  objects = new Map<string, Uint8Array>();
  async read(key: string): Promise<RawObject | undefined> {
    const body = this.objects.get(key);
    return body && { body, lastModified: new Date("2026-12-01T08:00:00Z") };
  }
  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
  async write(key: string, body: Uint8Array): Promise<{ versionId?: string }> {
    this.objects.set(key, body);
    return {};
  }
  async removeVersion(key: string): Promise<void> {
    this.objects.delete(key);
  }
  async move(fromKey: string, toKey: string): Promise<boolean> {
    this.objects.set(toKey, this.objects.get(fromKey)!);
    return this.objects.delete(fromKey);
  }
}

describe("transformRawObject with a chart export", () => {
  it("writes chart_positions only, under the file name's date, then moves the file to processed/", async () => {
    const lake = new MemoryLake();
    lake.objects.set(KEY, new TextEncoder().encode(csv(DAILY, lineA, lineB)));

    await transformRawObject(KEY, lake);

    const outputKey = transformedKeyFor(CHART_TABLE_NAME, "2026-11-30", KEY);
    expect([...lake.objects.keys()].sort()).toEqual([processedKeyFor(KEY), outputKey].sort());
    expect(outputKey).toMatch(/^transformed_data\/chart_positions\/snapshot_date=2026-11-30\//);
    const body = lake.objects.get(outputKey)!;
    const rows = await parquetReadObjects({
      file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    });
    expect(
      rows.map((row) => [row.rank, row.song_id, Number(row.streams), row.previous_rank]),
    ).toEqual([
      [1, ID_A, 5312345, 1],
      [2, ID_B, 4870000, null],
    ]);
  });

  it("leaves a bad chart file where it was and writes nothing", async () => {
    const lake = new MemoryLake();
    lake.objects.set(KEY, new TextEncoder().encode(csv(DAILY, lineA.replace(/^1,/, "first,"))));

    await expect(transformRawObject(KEY, lake)).rejects.toMatchObject({
      name: "InvalidChartFileError",
      retryable: false,
    });
    expect([...lake.objects.keys()]).toEqual([KEY]);
  });
});
