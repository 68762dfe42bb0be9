import { chartHeader, parseChartCsv } from "../../../functions/transform/chart-csv";
import { encodeTable } from "../../../functions/transform/parquet";
import { normalizeSnapshot } from "../../../functions/transform/normalize-snapshot";
import { TABLE_NAMES } from "../../../functions/shared/s3-layout";
import { readParquet } from "../../support/parquet";
import { artist, entry, rawSnapshot, top50Capture, track } from "../../support/spotify-fixtures";

const source = {
  key: "raw_data/to_process/p1.json",
  lastModified: new Date("2026-11-21T10:00:00Z"),
};

describe("encodeTable", () => {
  it("writes the contract's types, snappy-compressed, with no partition column", async () => {
    // Prepare
    const { tables } = normalizeSnapshot(top50Capture(), source);

    // Act
    const songs = await readParquet(encodeTable("songs", tables.songs));
    const albums = await readParquet(encodeTable("albums", tables.albums));
    const playlists = await readParquet(encodeTable("playlists", tables.playlists));

    // Assess
    expect(songs.compression).toEqual(["SNAPPY"]);
    expect(songs.types).toEqual({
      playlist_id: "VARCHAR",
      position: "INTEGER",
      song_id: "VARCHAR",
      song_name: "VARCHAR",
      duration_ms: "INTEGER",
      explicit: "BOOLEAN",
      popularity: "INTEGER",
      isrc: "VARCHAR",
      added_at: "TIMESTAMP WITH TIME ZONE",
      album_id: "VARCHAR",
      artist_ids: "VARCHAR[]",
      song_url: "VARCHAR",
      extracted_at: "TIMESTAMP WITH TIME ZONE",
    });
    expect(albums.types).toMatchObject({
      release_date: "DATE",
      total_tracks: "INTEGER",
      artist_ids: "VARCHAR[]",
    });
    expect(playlists.types).toMatchObject({
      extracted_at: "TIMESTAMP WITH TIME ZONE",
      total_items: "INTEGER",
    });
    for (const contents of [songs, albums, playlists])
      expect(contents.types).not.toHaveProperty("snapshot_date");
  });

  it("round-trips every value of every table through DuckDB", async () => {
    // Prepare
    const names = ['Comma, "quote"', "New\nline", "Emoji 🎶 and 日本語", ""];
    const items = names.map((name, i) =>
      entry(
        track({
          id: `t${i}`,
          name,
          albumId: `al${i}`,
          artists: [artist(`a${i}`, name), artist("shared", "Shared")],
        }),
      ),
    );
    const snapshot = normalizeSnapshot(rawSnapshot([null, ...items]), source);

    for (const table of TABLE_NAMES) {
      // Act
      const { rows } = await readParquet(encodeTable(table, snapshot.tables[table]));

      // Assess
      expect(rows).toEqual(snapshot.tables[table]);
    }
  });

  it("writes chart streams past 2^53 - 1 exactly as int64", async () => {
    // Prepare
    const KEY = "raw_data/to_process/regional-global-daily-2026-11-30.csv";
    const line = (streams: string) =>
      `1,spotify:track:2plbrEY59IikOBgBGLjaoe,A,B,L,1,1,1,${streams}`;
    const text = [chartHeader("daily"), line("5312345"), line("9223372036854775807")].join("\n");

    // Act
    const { rows, types } = await readParquet(
      encodeTable("chart_positions", parseChartCsv(text, KEY).rows),
    );

    // Assess
    expect(types.streams).toBe("BIGINT");
    expect(rows.map((row) => row.streams)).toEqual([5312345n, 9223372036854775807n]);
  });

  it("writes a valid, typed file for a table with no rows", async () => {
    // Act
    const contents = await readParquet(encodeTable("songs", []));

    // Assess
    expect(contents.rows).toEqual([]);
    expect(contents.types.artist_ids).toBe("VARCHAR[]");
  });
});
