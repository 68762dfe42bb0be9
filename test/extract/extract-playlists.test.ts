import { describe, expect, it } from "@jest/globals";
import {
  extractPlaylists,
  mapBounded,
  parsePlaylistReference,
  type ExtractLogger,
  type ExtractOptions,
  type PlaylistReader,
} from "../../functions/extract/extract-playlists";
import { countTrackEntries } from "../../functions/extract/raw-snapshot";
import type { PlaylistItemsPage, PlaylistMetadata } from "../../functions/extract/spotify-client";
import { rawKeyFor } from "../../functions/shared/s3-layout";

const NOW = new Date("2026-03-10T16:00:00.000Z");

const silentLogger: ExtractLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/** A reader serving `entries` for each playlist, answering pages in a scrambled order. */
function fakeReader(
  playlists: Record<string, unknown[]>,
  options: {
    delays?: (offset: number) => number;
    totals?: Record<string, number>;
    failAt?: number;
    /** Entries the playlist object embeds as its first page (2026 shape); none by default. */
    embedded?: number;
  } = {},
) {
  const calls: { playlistId: string; offset: number }[] = [];
  let snapshotChecks = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const reader: PlaylistReader = {
    async getPlaylist(playlistId): Promise<PlaylistMetadata> {
      const entries = playlists[playlistId];
      if (!entries) throw new Error(`no playlist ${playlistId}`);
      const embedded = options.embedded;
      return {
        id: playlistId,
        name: `name ${playlistId}`,
        snapshotId: "snap",
        ownerId: "owner",
        total: embedded === undefined ? undefined : entries.length,
        ...(embedded === undefined
          ? {}
          : {
              firstPage: {
                items: entries.slice(0, embedded),
                total: entries.length,
                limit: embedded,
                offset: 0,
                next: null,
              },
            }),
      };
    },
    async getPlaylistSnapshotId(playlistId) {
      if (!playlists[playlistId]) throw new Error(`no playlist ${playlistId}`);
      snapshotChecks += 1;
      return "snap";
    },
    async getPlaylistItemsPage(playlistId, offset, limit): Promise<PlaylistItemsPage> {
      const entries = playlists[playlistId];
      if (!entries) throw new Error(`no playlist ${playlistId}`);
      calls.push({ playlistId, offset });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, options.delays?.(offset) ?? 0));
        if (options.failAt === offset) throw new Error(`page ${offset} failed`);
        return {
          items: entries.slice(offset, offset + limit),
          total: options.totals?.[`${playlistId}@${offset}`] ?? entries.length,
          limit,
          offset,
          next: null,
        };
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { reader, calls, maxInFlight: () => maxInFlight, snapshotChecks: () => snapshotChecks };
}

function memoryStore() {
  const objects = new Map<string, string>();
  return {
    objects,
    store: { putJson: async (key: string, body: string) => void objects.set(key, body) },
  };
}

function options(
  reader: PlaylistReader,
  store: { putJson(key: string, body: string): Promise<void> },
): ExtractOptions {
  return {
    reader,
    store,
    now: () => NOW,
    remainingMs: () => Infinity,
    logger: silentLogger,
    pageConcurrency: 2,
    market: null,
  };
}

const entries = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ position: i + 1, track: { id: `t${i + 1}` } }));

describe("extractPlaylists", () => {
  it("keeps playlist order when later pages answer first, with at most pageConcurrency in flight", async () => {
    // Prepare: 10 pages of 5; page answers get faster with the offset, so they finish out of order.
    const source = fakeReader({ big: entries(48) }, { delays: (offset) => 30 - offset / 2 });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["big"], {
      ...options(source.reader, store),
      pageConcurrency: 3,
      pageLimit: 5,
    });

    // Assess
    expect(result.failed).toEqual([]);
    const snapshot = JSON.parse(objects.get(rawKeyFor("big", NOW)) ?? "{}");
    expect(snapshot.items.map((e: { position: number }) => e.position)).toEqual(
      entries(48).map((e) => e.position),
    );
    expect(snapshot.playlist).toEqual({
      id: "big",
      name: "name big",
      snapshot_id: "snap",
      owner_id: "owner",
      total: 48,
    });
    expect(source.calls.map((c) => c.offset).sort((a, b) => a - b)).toEqual([
      0, 5, 10, 15, 20, 25, 30, 35, 40, 45,
    ]);
    // The first page runs alongside the metadata; the rest are bounded by pageConcurrency.
    expect(source.maxInFlight()).toBeLessThanOrEqual(3);
  });

  it("takes the embedded first page and reads items pages only after it", async () => {
    // Prepare: the playlist object embeds 10 entries; items pages hold 5
    const source = fakeReader({ big: entries(23), small: entries(7) }, { embedded: 10 });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["big", "small"], {
      ...options(source.reader, store),
      pageLimit: 5,
    });

    // Assess
    expect(result.failed).toEqual([]);
    const big = JSON.parse(objects.get(rawKeyFor("big", NOW)) ?? "{}");
    const small = JSON.parse(objects.get(rawKeyFor("small", NOW)) ?? "{}");
    expect(big.items).toEqual(entries(23));
    expect(small.items).toEqual(entries(7));
    expect(source.calls).toEqual(
      expect.arrayContaining([
        { playlistId: "big", offset: 10 },
        { playlistId: "big", offset: 15 },
        { playlistId: "big", offset: 20 },
      ]),
    );
    expect(source.calls).toHaveLength(3); // nothing for "small", nothing at offset 0
    // "small" came whole in one answer: only "big" needs its snapshot id checked again.
    expect(source.snapshotChecks()).toBe(1);
  });

  it("reads pages one at a time with pageConcurrency 1", async () => {
    // Prepare
    const source = fakeReader({ p: entries(12) }, { delays: () => 2 });
    const { store } = memoryStore();

    // Act
    await extractPlaylists(["p"], {
      ...options(source.reader, store),
      pageConcurrency: 1,
      pageLimit: 5,
    });

    // Assess
    expect(source.maxInFlight()).toBe(1);
    expect(source.calls.map((c) => c.offset)).toEqual([0, 5, 10]);
  });

  it("reads a playlist whose later page reports another total again once, then fails it, writing nothing", async () => {
    // Prepare
    const source = fakeReader({ p: entries(12) }, { totals: { "p@10": 13 } });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["p"], {
      ...options(source.reader, store),
      pageLimit: 5,
    });

    // Assess
    expect(objects.size).toBe(0);
    expect(result.failed).toEqual([
      expect.objectContaining({ playlistId: "p", kind: "changed-while-reading" }),
    ]);
    expect(result.failed[0]?.reason).toContain(
      "changed while being read, and again on the second read",
    );
    expect(result.failed[0]?.reason).toContain(
      "page at offset 10 reports total 13, the first page 12",
    );
    expect(source.calls.map((c) => c.offset)).toEqual([0, 5, 10, 0, 5, 10]);
  });

  it("reads a single-page playlist again when its snapshot_id changed after the playlist object", async () => {
    // Prepare: the older shape (no embedded page); an edit lands between the object and its one page
    const source = fakeReader({ p: entries(3) });
    let snapshotId = "snap";
    const reader: PlaylistReader = {
      getPlaylist: async (id) => ({ ...(await source.reader.getPlaylist(id)), snapshotId }),
      async getPlaylistItemsPage(id, offset, limit) {
        const page = await source.reader.getPlaylistItemsPage(id, offset, limit);
        snapshotId = "snap-edited";
        return page;
      },
      getPlaylistSnapshotId: async () => snapshotId,
    };
    const { store } = memoryStore();

    // Act
    const result = await extractPlaylists(["p"], options(reader, store));

    // Assess
    expect(result.written).toEqual([expect.objectContaining({ snapshotId: "snap-edited" })]);
    expect(source.calls).toHaveLength(2);
  });

  it("keeps the kind and reason of a second read that fails otherwise than by a change", async () => {
    // Prepare: the first read sees another total; the deadline comes during the second read
    const source = fakeReader({ p: entries(12) }, { totals: { "p@5": 13 } });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["p"], {
      ...options(source.reader, store),
      pageLimit: 5,
      remainingMs: () => (source.calls.length > 3 ? 0 : Infinity),
    });

    // Assess
    expect(objects.size).toBe(0);
    expect(result.failed).toEqual([expect.objectContaining({ kind: "deadline" })]);
    expect(result.failed[0]?.reason).toMatch(/^Stopped reading playlist p at offset 5 of 12/);
  });

  it("fails a playlist whose object and first items page disagree on total, with no snapshot_id to tell", async () => {
    // Prepare: the older shape (a count, no embedded page); without a snapshot_id only the totals show an edit
    const source = fakeReader({ p: entries(3) });
    const reader: PlaylistReader = {
      ...source.reader,
      getPlaylist: async (id) => ({
        ...(await source.reader.getPlaylist(id)),
        snapshotId: null,
        total: 4,
      }),
      getPlaylistSnapshotId: async () => null,
    };
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["p"], options(reader, store));

    // Assess
    expect(objects.size).toBe(0);
    expect(result.failed).toEqual([
      expect.objectContaining({ playlistId: "p", kind: "changed-while-reading" }),
    ]);
    expect(result.failed[0]?.reason).toContain(
      "the playlist object says 4 entries, its items page 3",
    );
  });

  it.each([
    [10_000, 1],
    [10_001, 0],
  ])(
    "reads a playlist of %i entries only up to Spotify's cap of 10,000",
    async (count, written) => {
      // Prepare: one answer embeds every entry, so no items page is read
      const source = fakeReader({ p: entries(count) }, { embedded: count });
      const { objects, store } = memoryStore();

      // Act
      const result = await extractPlaylists(["p"], options(source.reader, store));

      // Assess
      expect(objects.size).toBe(written);
      expect(result.failed.map((f) => f.kind)).toEqual(written ? [] : ["absurd-total"]);
    },
  );

  it("stops issuing pages after a failure and reports it; other playlists still run", async () => {
    // Prepare
    const source = fakeReader({ bad: entries(50), good: entries(3) }, { failAt: 10 });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["bad", "good"], {
      ...options(source.reader, store),
      pageConcurrency: 1,
      pageLimit: 5,
    });

    // Assess
    expect(result.failed.map((f) => [f.playlistId, f.reason])).toEqual([["bad", "page 10 failed"]]);
    expect(result.failed[0]).toMatchObject({ kind: "error", retryable: false }); // needs a look
    expect(source.calls.filter((c) => c.playlistId === "bad").map((c) => c.offset)).toEqual([
      0, 5, 10,
    ]);
    expect([...objects.keys()]).toEqual([rawKeyFor("good", NOW)]);
  });

  it("accepts ids, URIs and links, reads duplicates once and reports unusable references", async () => {
    // Prepare
    const source = fakeReader({ abc123: entries(1) });
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(
      [
        "abc123",
        "spotify:playlist:abc123",
        "https://open.spotify.com/playlist/abc123?si=x",
        "not a playlist!",
      ],
      options(source.reader, store),
    );

    // Assess
    expect(result.written.map((w) => w.playlistId)).toEqual(["abc123"]);
    expect(result.failed).toEqual([
      expect.objectContaining({ playlistId: "not a playlist!", kind: "invalid-id" }),
    ]);
    expect(objects.size).toBe(1);
  });

  it("stops reading pages when the deadline comes mid-playlist", async () => {
    // Prepare
    let remaining = 10_000;
    const source = fakeReader({ p: entries(20) });
    const reader: PlaylistReader = {
      getPlaylist: source.reader.getPlaylist,
      getPlaylistSnapshotId: source.reader.getPlaylistSnapshotId,
      async getPlaylistItemsPage(id, offset, limit) {
        const page = await source.reader.getPlaylistItemsPage(id, offset, limit);
        remaining = 0; // the first page used up the time
        return page;
      },
    };
    const { objects, store } = memoryStore();

    // Act
    const result = await extractPlaylists(["p"], {
      ...options(reader, store),
      pageConcurrency: 1,
      pageLimit: 5,
      remainingMs: () => remaining,
    });

    // Assess
    expect(objects.size).toBe(0);
    expect(result.failed[0]).toMatchObject({ kind: "deadline" });
    expect(result.failed[0]?.reason).toContain("Stopped reading playlist p at offset 5 of 20");
  });

  it("reports a failed S3 write without a partial object", async () => {
    // Prepare
    const source = fakeReader({ p: entries(2) });
    const store = {
      putJson: async () => {
        throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
      },
    };

    // Act
    const result = await extractPlaylists(["p"], options(source.reader, store));

    // Assess
    expect(result.failed[0]).toMatchObject({ kind: "write-failed" });
    expect(result.failed[0]?.reason).toContain(
      "Read all 2 entries but could not write raw_data/to_process/p_",
    );
    expect(result.failed[0]?.reason).toContain("AccessDenied: Access Denied");
  });
});

describe("parsePlaylistReference", () => {
  it("extracts the id from the forms people paste", () => {
    // Prepare
    const references = [
      "37i9dQZEVXbMDoHDwVN2tF",
      " spotify:playlist:37i9dQZEVXbMDoHDwVN2tF ",
      "spotify:user:spotify:playlist:37i9dQZEVXbMDoHDwVN2tF",
      "https://open.spotify.com/playlist/37i9dQZEVXbMDoHDwVN2tF?si=e8e1e56d145e4f9b",
      "https://open.spotify.com/intl-de/playlist/37i9dQZEVXbMDoHDwVN2tF",
      "https://example.com/playlist/37i9dQZEVXbMDoHDwVN2tF",
      "37i9dQZEVXbMDoHDwVN2tF/../x",
    ];

    // Act
    const ids = references.map(parsePlaylistReference);

    // Assess
    expect(ids).toEqual([
      "37i9dQZEVXbMDoHDwVN2tF",
      "37i9dQZEVXbMDoHDwVN2tF",
      "37i9dQZEVXbMDoHDwVN2tF",
      "37i9dQZEVXbMDoHDwVN2tF",
      "37i9dQZEVXbMDoHDwVN2tF",
      undefined,
      undefined,
    ]);
  });
});

describe("mapBounded", () => {
  it("returns results in input order and never exceeds the bound", async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;

    // Act
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight -= 1;
      return n * 10;
    });

    // Assess
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe("countTrackEntries", () => {
  it("counts entries carrying a track under item or track, not nulls, episodes or empty entries", () => {
    // Prepare
    const list = [
      { item: { type: "track", id: "a" } },
      { track: { type: "track", id: "b" } },
      { track: { type: "track", id: null, is_local: true } },
      { item: { type: "episode", id: "e" } },
      { track: { episode: true, id: "old-episode" } },
      { added_at: "2026-01-01T00:00:00Z" },
      { item: null },
      null,
    ];

    // Act
    const count = countTrackEntries(list);

    // Assess
    expect(count).toBe(3);
  });
});
