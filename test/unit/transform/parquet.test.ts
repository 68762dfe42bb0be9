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

  it("writes a valid, typed file for a table with no rows", async () => {
    // Act
    const contents = await readParquet(encodeTable("songs", []));

    // Assess
    expect(contents.rows).toEqual([]);
    expect(contents.types.artist_ids).toBe("VARCHAR[]");
  });
});
