import { readFileSync } from "node:fs";
import path from "node:path";
import { InvalidSnapshotError } from "../../../functions/transform/errors";
import {
  normalizeSnapshot,
  cutMarketLists,
  parseReleaseDate,
  parseSnapshotText,
} from "../../../functions/transform/normalize-snapshot";
import {
  artist,
  entry,
  rawSnapshot,
  readFixture,
  top50Capture,
  track,
} from "../../support/spotify-fixtures";

const source = {
  key: "raw_data/to_process/p1_20261122T160003123Z.json",
  lastModified: new Date("2026-11-21T23:59:59Z"),
};

describe("normalizeSnapshot on the real Top 50 capture", () => {
  const capture = top50Capture();
  const result = normalizeSnapshot(capture, source);

  it("reads the Python tutorials' one-element list around a playlist object", () => {
    expect(result.shape).toBe("playlist_object");
    expect(result.snapshotDate).toBe("2026-11-21"); // from LastModified: the object has no extracted_at
  });

  it("writes one song per entry, in chart order", () => {
    const { songs } = result.tables;
    expect(songs).toHaveLength(50);
    expect(songs.map((song) => song.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(songs[0]).toEqual({
      playlist_id: "37i9dQZEVXbMDoHDwVN2tF",
      position: 1,
      song_id: "2OzhQlSqBEmt7hmkYxfT6m",
      song_name: "Fortnight (feat. Post Malone)",
      duration_ms: 228965,
      explicit: false,
      popularity: 88,
      isrc: "USUG12401028",
      added_at: new Date("2024-04-22T11:06:52Z"),
      album_id: "1Mo4aZ8pdj6L1jx8zSwJnt",
      artist_ids: ["06HL4z0CvFAxyc27GXpf02", "246dkjvS1zLTtiykXe5h60"],
      song_url: "https://open.spotify.com/track/2OzhQlSqBEmt7hmkYxfT6m",
      extracted_at: null, // a playlist object does not say when it was read
    });
  });

  it("deduplicates albums and artists", () => {
    const entries = capture[0]!.tracks.items as {
      track: { artists: { id: string }[]; album: { id: string; artists: { id: string }[] } };
    }[];
    const trackArtists = new Set(entries.flatMap((e) => e.track.artists.map((a) => a.id)));
    const allArtists = new Set([
      ...trackArtists,
      ...entries.flatMap((e) => e.track.album.artists.map((a) => a.id)),
    ]);
    expect(result.tables.albums).toHaveLength(26);
    expect(trackArtists.size).toBe(39);
    expect(result.tables.artists).toHaveLength(allArtists.size);
    expect(new Set(result.tables.artists.map((a) => a.artist_id)).size).toBe(allArtists.size);
  });

  it("normalises album release dates and keeps the precision", () => {
    const album = result.tables.albums.find((a) => a.album_id === "1Mo4aZ8pdj6L1jx8zSwJnt");
    expect(album).toMatchObject({
      album_name: "THE TORTURED POETS DEPARTMENT",
      album_type: "album",
      release_date: new Date("2024-04-18T00:00:00Z"),
      release_date_precision: "day",
      total_tracks: 16,
      album_url: "https://open.spotify.com/album/1Mo4aZ8pdj6L1jx8zSwJnt",
      artist_ids: ["06HL4z0CvFAxyc27GXpf02"],
    });
  });

  it("describes the playlist in one row", () => {
    expect(result.tables.playlists).toEqual([
      {
        playlist_id: "37i9dQZEVXbMDoHDwVN2tF",
        playlist_name: "Top 50 - Global",
        snapshot_id: capture[0]!.snapshot_id,
        extracted_at: null,
        total_items: 50,
        entries_read: 50,
        songs_written: 50,
        entries_skipped: 0,
        source_key: source.key,
      },
    ]);
  });
});

describe("normalizeSnapshot on the 2026 development-mode page", () => {
  it("writes every song with a null popularity and the ISRC Spotify sends again", () => {
    // Prepare: what a development-mode app receives (no popularity, no market lists)
    const capture = top50Capture()[0]!.tracks.items as { track: Record<string, unknown> }[];

    // Act
    const result = normalizeSnapshot(readFixture("items-2026-devmode.page.json"), source);
    const fromCapture = normalizeSnapshot(top50Capture(), source);

    // Assess
    expect(result.shape).toBe("items_page");
    expect(result.tables.songs).toHaveLength(50);
    expect(result.tables.songs.every((song) => song.popularity === null)).toBe(true);
    expect(result.tables.songs.map((song) => song.isrc)).toEqual(
      capture.map((e) => (e.track.external_ids as { isrc: string }).isrc),
    );
    expect(result.tables.songs[0]).toMatchObject({
      playlist_id: "0wnedDevModePlaylist26",
      position: 1,
    });
    // Everything but popularity and the playlist id matches the capture it was made from.
    const comparable = (songs: typeof result.tables.songs) =>
      songs.map(({ popularity: _p, playlist_id: _id, ...rest }) => rest);
    expect(comparable(result.tables.songs)).toEqual(comparable(fromCapture.tables.songs));
    expect(result.tables.albums).toEqual(fromCapture.tables.albums);
  });
});

describe("normalizeSnapshot on the transitional 2026-shape page", () => {
  it("reads payloads under `item`, takes the id from href and skips the payload-less entry", () => {
    // Act
    const result = normalizeSnapshot(readFixture("items-2026-shape.page.json"), source);

    // Assess
    expect(result.shape).toBe("items_page");
    expect(result.tables.songs).toHaveLength(1);
    expect(result.tables.songs[0]).toMatchObject({
      playlist_id: "21THa8j9TaSGuXYNBU5tsC",
      position: 1,
      extracted_at: null,
    });
    expect(result.skipped).toEqual({ null: 0, local: 0, episode: 0, no_payload: 1 });
    expect(result.tables.playlists[0]).toMatchObject({
      playlist_name: null,
      total_items: 58,
      entries_read: 2,
      songs_written: 1,
      entries_skipped: 1,
    });
  });
});

describe("normalizeSnapshot edge cases", () => {
  it("skips every kind of unusable entry, counting each reason, and keeps positions", () => {
    // Prepare
    const items = [
      null,
      entry(track({ id: "t1" })),
      {
        added_at: "2026-11-20T08:00:00Z",
        is_local: true,
        track: { ...track({ id: "" }), id: null, is_local: true },
      },
      entry({ id: "ep1", type: "episode", name: "A podcast" }),
      { added_at: "2026-11-20T08:00:00Z", is_local: false },
      entry(null, "track"),
      entry({ ...track({ id: "t2" }), id: undefined }, "track"),
      entry(track({ id: "t3" }), "track"),
      entry({ ...track({ id: "" }), is_local: undefined }),
      { ...entry(track({ id: "t4" })), is_local: true },
      entry({ id: "e", episode: true }),
    ];

    // Act
    const result = normalizeSnapshot(rawSnapshot(items), source);

    // Assess
    expect(result.tables.songs.map((s) => [s.song_id, s.position])).toEqual([
      ["t1", 2],
      ["t3", 8],
    ]);
    expect(result.skipped).toEqual({ null: 1, local: 4, episode: 2, no_payload: 2 });
    expect(result.tables.playlists[0]).toMatchObject({
      entries_read: 11,
      songs_written: 2,
      entries_skipped: 9,
    });
  });

  it("keeps a repeated track in songs but writes its album and artists once, as first credited", () => {
    const renamed = track({ albumName: "Renamed", artists: [artist("artist1", "Renamed")] });
    const result = normalizeSnapshot(rawSnapshot([entry(track()), entry(renamed)]), source);
    expect(result.tables.songs.map((s) => s.position)).toEqual([1, 2]);
    expect(result.tables.albums.map((a) => a.album_name)).toEqual(["Album One"]);
    expect(result.tables.artists.map((a) => a.artist_name)).toEqual(["Artist One"]);
  });

  it("credits album-only artists, in credit order", () => {
    // Prepare
    const feat = track({
      artists: [artist("a1", "Main"), artist("a2", "Featured")],
      albumArtists: [artist("a3", "Various Artists")],
    });

    // Act
    const result = normalizeSnapshot(rawSnapshot([entry(feat)]), source);

    // Assess
    expect(result.tables.songs[0]!.artist_ids).toEqual(["a1", "a2"]);
    expect(result.tables.albums[0]!.artist_ids).toEqual(["a3"]);
    expect(result.tables.artists.map((a) => a.artist_id)).toEqual(["a1", "a2", "a3"]);
  });

  it("keeps names with commas, quotes, newlines, emoji and non-Latin scripts intact", () => {
    // Prepare
    const names = [
      'Hello, "World"',
      "Line one\nLine two",
      "Café 🎧 — 東京 Москва العربية",
      "It's a 'test'; ok",
    ];
    const items = names.map((name, i) =>
      entry(track({ id: `t${i}`, name, artists: [artist(`a${i}`, name)] })),
    );

    // Act
    const result = normalizeSnapshot(rawSnapshot(items), source);

    // Assess
    expect(result.tables.songs.map((s) => s.song_name)).toEqual(names);
    expect(result.tables.artists.map((a) => a.artist_name)).toEqual(names);
  });

  it("takes the snapshot date from extracted_at (UTC), stamps it on every song, and null popularity and isrc when absent", () => {
    const result = normalizeSnapshot(
      rawSnapshot(
        [entry(track({ popularity: undefined, isrc: undefined })), null, entry(track())],
        {
          extractedAt: "2026-11-22T23:30:00.123-02:00",
        },
      ),
      source,
    );
    const extractedAt = new Date("2026-11-23T01:30:00.123Z");
    expect(result.snapshotDate).toBe("2026-11-23");
    expect(result.tables.playlists[0]!.extracted_at).toEqual(extractedAt);
    expect(result.tables.songs.map((song) => [song.position, song.extracted_at])).toEqual([
      [1, extractedAt],
      [3, extractedAt],
    ]);
    expect(result.tables.songs[0]).toMatchObject({ popularity: null, isrc: null });
  });

  it.each([
    ["2024-01-01 10:00:00", "2024-01-01T10:00:00.000Z"],
    ["2024-01-01T10:00:00", "2024-01-01T10:00:00.000Z"],
    ["2024-01-01T10:00:00.5", "2024-01-01T10:00:00.500Z"],
    ["2024-01-01T10:00", "2024-01-01T10:00:00.000Z"],
    ["2024-01-01T10:00:00+01:00", "2024-01-01T09:00:00.000Z"],
  ])("reads added_at %s as %s whatever the machine's time zone", (addedAt, utc) => {
    const result = normalizeSnapshot(rawSnapshot([entry(track(), "item", addedAt)]), source);
    expect(result.tables.songs[0]!.added_at!.toISOString()).toBe(utc);
  });

  it("handles an empty playlist", () => {
    const result = normalizeSnapshot(rawSnapshot([]), source);
    expect(result.tables.songs).toEqual([]);
    expect(result.tables.playlists[0]).toMatchObject({
      entries_read: 0,
      songs_written: 0,
      entries_skipped: 0,
      total_items: 0,
    });
  });

  it("places a page's entries after its offset and falls back to the object name for the id", () => {
    // Act
    const result = normalizeSnapshot(
      { items: [entry(track())], total: 120, offset: 100 },
      {
        key: "raw_data/to_process/my old dump.json",
        lastModified: source.lastModified,
      },
    );

    // Assess
    expect(result.tables.songs[0]).toMatchObject({ playlist_id: "my old dump", position: 101 });
  });

  it("reads a playlist object whose entries sit under `items`, after its offset", () => {
    const result = normalizeSnapshot(
      {
        id: "p9",
        name: "New shape",
        snapshot_id: "s",
        items: { items: [entry(track())], total: 101, offset: 100 },
      },
      source,
    );
    expect(result.tables.songs[0]).toMatchObject({ playlist_id: "p9", position: 101 });
  });

  it.each([
    ["a `tracks` summary", { tracks: { href: "https://api.spotify.com/v1/x/tracks", total: 50 } }],
    ["`tracks: null`", { tracks: null }],
  ])(
    "reads a playlist object whose page is under `items` beside %s, as the extract's fields request returns it",
    (_label, beside) => {
      // Prepare: the real capture, its page moved from `tracks` to `items`
      const [capture] = top50Capture();
      const document = { ...capture, items: capture!.tracks, ...beside };

      // Act
      const result = normalizeSnapshot(document, source);

      // Assess
      expect(result.tables).toEqual(normalizeSnapshot(top50Capture(), source).tables);
    },
  );

  it("reads a playlist object whose page is under `tracks` beside `items: null`", () => {
    const [capture] = top50Capture();
    const result = normalizeSnapshot({ ...capture, items: null }, source);
    expect(result.tables.songs).toHaveLength(50);
  });

  it.each([
    [
      "an unrelated object",
      { hello: "world" },
      /expected a raw snapshot .*found an object with keys hello/,
    ],
    ["a list of numbers", [1, 2, 3], /found a JSON array of 3 element/],
    ["a string", "just a string", /found a string/],
    ["null", null, /found null/],
    [
      "a snapshot without extracted_at",
      { source: "spotify", items: [] },
      /looks like a raw snapshot but is not valid[\s\S]*extracted_at/,
    ],
    [
      "a track without album",
      rawSnapshot([entry({ ...track(), album: undefined })]),
      /track track1 at position 1 is malformed[\s\S]*album/,
    ],
    [
      "a track whose duration_ms is past int32",
      rawSnapshot([entry({ ...track(), duration_ms: 2147483658 })]),
      /track track1 at position 1 is malformed[\s\S]*<=2147483647[\s\S]*duration_ms/,
    ],
    [
      "a track whose popularity is past int32",
      rawSnapshot([entry({ ...track(), popularity: 2147483648 })]),
      /track track1 at position 1 is malformed[\s\S]*<=2147483647[\s\S]*popularity/,
    ],
    [
      "a track whose album's total_tracks is past int32",
      rawSnapshot([entry({ ...track(), album: { ...track().album!, total_tracks: 2 ** 31 } })]),
      /track track1 at position 1 is malformed[\s\S]*<=2147483647[\s\S]*total_tracks/,
    ],
    [
      "a snapshot whose playlist total is past int32",
      rawSnapshot([], { total: 2 ** 31 }),
      /looks like a raw snapshot but is not valid[\s\S]*<=2147483647[\s\S]*total/,
    ],
    [
      "a page whose offset is past int32",
      { items: [], total: 0, offset: 2 ** 31 },
      /looks like a playlist-items page but is not valid[\s\S]*<=2147483647[\s\S]*offset/,
    ],
    [
      "a string payload",
      rawSnapshot([entry("a string payload")]),
      /position 1: payload should be an object/,
    ],
    [
      "a page whose href is not valid percent-encoding",
      {
        ...readFixture<object>("items-2026-shape.page.json"),
        href: "https://api.spotify.com/v1/playlists/%ZZ/tracks",
      },
      /href https:\/\/api\.spotify\.com\/v1\/playlists\/%ZZ\/tracks: the playlist id %ZZ is not valid percent-encoding/,
    ],
  ])(
    "rejects %s with an error that says what was expected and found",
    (_label, document, message) => {
      expect(() => normalizeSnapshot(document, source)).toThrow(InvalidSnapshotError);
      expect(() => normalizeSnapshot(document, source)).toThrow(message);
    },
  );
});

describe("parseReleaseDate", () => {
  it.each([
    ["2024", "2024-01-01"],
    ["2024-03", "2024-03-01"],
    ["2024-03-15", "2024-03-15"],
    ["2024-02-29", "2024-02-29"],
  ])("normalises %s by its precision", (value, expected) => {
    expect(parseReleaseDate(value)?.toISOString().slice(0, 10)).toBe(expected);
  });

  it.each([
    "0000",
    "0000-00-00",
    "2023-02-30",
    "2024-13",
    "24-01-01",
    "",
    null,
    undefined,
    "unknown",
  ])("is null for %j", (value) => {
    expect(parseReleaseDate(value)).toBeNull();
  });
});

/** `value` without any `available_markets` member, at any depth. */
function withoutMarkets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMarkets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "available_markets")
      .map(([key, member]) => [key, withoutMarkets(member)]),
  );
}

describe("cutMarketLists", () => {
  const parseCut = (text: string) => JSON.parse(cutMarketLists(text)) as unknown;

  it.each([
    ["top50-global-2024-04-22.playlist.json", 100],
    ["items-2026-shape.page.json", 2],
  ])("leaves %s as JSON.parse reads it, less its %i market lists", (name, lists) => {
    // Prepare: the captures are pretty-printed, four spaces deep
    const text = readFileSync(path.join("test/fixtures", name), "utf8");
    expect(text.match(/"available_markets"/g)).toHaveLength(lists);

    // Act
    const document = parseCut(text);

    // Assess
    expect(document).toEqual(withoutMarkets(JSON.parse(text)));
    expect(JSON.stringify(document)).not.toContain("available_markets");
  });

  it.each([
    ["first", '{"available_markets":["AD","AE"],"id":"t1"}', { id: "t1" }],
    [
      "between others",
      '{"id":"t1","available_markets":["AD"],"name":"x"}',
      { id: "t1", name: "x" },
    ],
    ["last", '{"id":"t1","available_markets":["AD"]}', { id: "t1" }],
    ["alone", '{"available_markets":[]}', {}],
    ["first, spaced before its comma", '{"available_markets":["AD"] ,"id":1}', { id: 1 }],
    ["alone, spaced before the brace", '{"available_markets":["AD"] }', {}],
    [
      "spaced over lines",
      '{ "id": "t1" ,\n  "available_markets" : [ "AD" ,\n "AE" ] \n}',
      { id: "t1" },
    ],
    [
      "in nested objects",
      '[{"album":{"available_markets":["US"],"id":"a"},"available_markets":["US"]}]',
      [{ album: { id: "a" } }],
    ],
    [
      "after a string ending in a backslash",
      '{"a":"x\\\\","available_markets":["US"]}',
      { a: "x\\" },
    ],
  ])("cuts a market list that comes %s", (_label, text, expected) => {
    // Act
    const document = parseCut(text);

    // Assess
    expect(document).toEqual(expected);
  });

  it.each([
    ["a list that is not country codes", '{"available_markets":["usa",1],"id":"t1"}'],
    ["a string that quotes such a list", '{"name":"\\"available_markets\\":[\\"US\\"]","id":"t1"}'],
    ["a key that only ends in the name", '{"not_available_markets":["US"],"id":"t1"}'],
    ["a key that ends in a quote and the name", '{"a\\"available_markets":[],"b":1}'],
    ["a key that starts with a quote and the name", '{"\\"available_markets":["US"]}'],
  ])("leaves %s as it is", (_label, text) => {
    // Act
    const document = parseCut(text);

    // Assess
    expect(document).toEqual(JSON.parse(text));
  });

  it("returns a text without market lists unchanged", () => {
    // Prepare
    const text = '{"id":"t1","name":"available_markets"}';

    // Act
    const cut = cutMarketLists(text);

    // Assess
    expect(cut).toBe(text);
  });

  it("keeps JSON valid when an object repeats the key", () => {
    // Prepare: the first member takes the comma after it, so the second has none of its own
    const text = '{"available_markets":["AD"],"available_markets":["US"],"id":"t1"}';

    // Act
    const document = parseCut(text);

    // Assess
    expect(document).toEqual({ available_markets: ["US"], id: "t1" });
  });

  it("does not take a non-breaking space for JSON whitespace", () => {
    // Prepare: not JSON, and must stay not JSON
    const text = '{"a":1,\u00a0"available_markets":[]}';

    // Act
    const act = () => parseCut(text);

    // Assess
    expect(act).toThrow(SyntaxError);
  });
});

describe("parseSnapshotText", () => {
  it("names the file when the text is not JSON", () => {
    // Act
    const act = () => parseSnapshotText('{"items": [', "raw_data/to_process/p.json");

    // Assess
    expect(act).toThrow(InvalidSnapshotError);
    expect(act).toThrow(/^raw_data\/to_process\/p\.json is not valid JSON: /);
  });
});
