import {
  extractedAtFromRawName,
  processedKeyFor,
  rawKeyFor,
  snapshotNameFor,
  toProcessKeyFor,
  transformedKeyFor,
} from "../../../functions/shared/s3-layout";

describe("S3 layout", () => {
  const extractedAt = new Date("2026-11-22T16:00:03.123Z");

  it("names a raw snapshot deterministically with safe characters only", () => {
    // Act
    const key = rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", extractedAt);

    // Assess
    expect(key).toBe("raw_data/to_process/37i9dQZEVXbMDoHDwVN2tF_20261122T160003123Z.json");
    expect(rawKeyFor("37i9dQZEVXbMDoHDwVN2tF", extractedAt)).toBe(key);
    expect(snapshotNameFor(key)).toMatch(/^[A-Za-z0-9._=-]+$/);
  });

  it("replaces unsafe characters in a playlist id", () => {
    expect(rawKeyFor("a/b c", extractedAt)).toBe(
      "raw_data/to_process/a_b_c_20261122T160003123Z.json",
    );
  });

  it("reads the extraction instant back from the name, and nothing from foreign names", () => {
    expect(extractedAtFromRawName(rawKeyFor("p1", extractedAt))).toEqual(extractedAt);
    expect(extractedAtFromRawName("raw_data/to_process/tutorial dump.json")).toBeUndefined();
    // Shaped like a stamp but no date: undefined, not an Invalid Date whose toISOString throws
    expect(
      extractedAtFromRawName("raw_data/to_process/x_20261399T000000000Z.json"),
    ).toBeUndefined();
  });

  it("maps raw keys to processed keys and back", () => {
    // Prepare
    const raw = "raw_data/to_process/sub/x y.json";

    // Act
    const processed = processedKeyFor(raw);

    // Assess
    expect(processed).toBe("raw_data/processed/sub/x y.json");
    expect(toProcessKeyFor(processed)).toBe(raw);
    expect(() => processedKeyFor("elsewhere/x.json")).toThrow(/raw_data\/to_process\//);
  });

  it("derives output keys purely from the raw key", () => {
    expect(
      transformedKeyFor("songs", "2026-11-22", "raw_data/to_process/p1_20261122T160003123Z.json"),
    ).toBe("transformed_data/songs/snapshot_date=2026-11-22/p1_20261122T160003123Z.parquet");
    expect(() => transformedKeyFor("songs", "22/11/2026", "raw_data/to_process/a.json")).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
