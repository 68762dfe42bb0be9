/** The local Spotify API itself: recordings, paging, tokens and faults, over plain fetch. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  ITEMS_2026_SHAPE_ID,
  TOP50_GLOBAL_ID,
  TOP50_GLOBAL_PAGED_ID,
  cycleEntries,
  loadRecording,
  recordedPlaylists,
} from "../../scripts/local-spotify-api/recordings";
import { DEV_MODE_DROPPED_FIELDS, devModePage } from "../support/dev-mode-shape";
import {
  PREMIUM_LAPSE_BODY,
  startLocalSpotifyApi,
  type LocalSpotifyApi,
} from "../support/local-spotify-api";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");

describe("recordings", () => {
  it("hold the real captures' entries and playlist fields unchanged", () => {
    // Prepare
    const capture = JSON.parse(
      readFileSync(path.join(FIXTURES, "top50-global-2024-04-22.playlist.json"), "utf8"),
    )[0];
    const page2026 = JSON.parse(
      readFileSync(path.join(FIXTURES, "items-2026-shape.page.json"), "utf8"),
    );

    // Act
    const top50 = loadRecording("top50-global-2024-04-22");
    const shape2026 = loadRecording("items-2026-shape");

    // Assess
    const { tracks, ...playlistFields } = capture;
    const { items, ...pageFields } = tracks;
    expect(JSON.stringify(top50.entries)).toBe(JSON.stringify(items));
    expect(top50.playlist).toEqual(playlistFields);
    expect(top50.page).toEqual(pageFields);
    expect(JSON.stringify(shape2026.entries)).toBe(JSON.stringify(page2026.items));
    expect(shape2026.page.total).toBe(58);
  });
});

describe("the 2026 development-mode fixture", () => {
  it("is the Top 50 capture as a development-mode app receives it, and nothing else", () => {
    // Prepare
    const capture = JSON.parse(
      readFileSync(path.join(FIXTURES, "top50-global-2024-04-22.playlist.json"), "utf8"),
    )[0];
    const text = readFileSync(path.join(FIXTURES, "items-2026-devmode.page.json"), "utf8");

    // Act
    const fixture = JSON.parse(text) as {
      href: string;
      limit: number;
      items: { item: { external_ids: { isrc: string } } }[];
    };

    // Assess
    expect(fixture).toEqual(devModePage(capture.tracks.items));
    for (const field of DEV_MODE_DROPPED_FIELDS) expect(text).not.toContain(`"${field}"`);
    expect(fixture.href).toMatch(/\/playlists\/[A-Za-z0-9]+\/items\?offset=0&limit=50$/);
    expect(fixture.limit).toBe(50);
    expect(
      fixture.items.every((e) => /^[A-Z]{2}[A-Z0-9]{10}$/.test(e.item.external_ids.isrc)),
    ).toBe(true);
  });
});

describe("local Spotify API", () => {
  let api: LocalSpotifyApi;
  let token: string;

  beforeAll(async () => {
    api = await startLocalSpotifyApi({ playlists: recordedPlaylists() });
  });
  afterAll(async () => {
    await api.stop();
  });
  beforeEach(async () => {
    api.clearFaults();
    token = await clientCredentialsToken();
  });

  async function clientCredentialsToken(): Promise<string> {
    const response = await fetch(`${api.accountsBaseUrl}/api/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${api.clientId}:${api.clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  const get = (url: string, bearer = token) =>
    fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });

  it("pages with offset, limit and next links, re-keying entries to item", async () => {
    // Prepare
    const url = `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_PAGED_ID}/items?limit=50&offset=0`;
    const expected = cycleEntries(loadRecording("top50-global-2024-04-22").entries, 220);

    // Act
    const pages: {
      items: Record<string, unknown>[];
      next: string | null;
      total: number;
      offset: number;
    }[] = [];
    for (let next: string | null = url; next;) {
      const page = (await (await get(next)).json()) as (typeof pages)[number];
      pages.push(page);
      next = page.next;
    }

    // Assess
    expect(pages.map((p) => [p.offset, p.items.length, p.total])).toEqual([
      [0, 50, 220],
      [50, 50, 220],
      [100, 50, 220],
      [150, 50, 220],
      [200, 20, 220],
    ]);
    const served = pages.flatMap((p) => p.items);
    expect(served.map((e) => Object.keys(e))).toEqual(
      expected.map((e) => Object.keys(e as object).map((k) => (k === "track" ? "item" : k))),
    );
    expect(served.map((e) => e.item)).toEqual(expected.map((e) => (e as { track: unknown }).track));
  });

  it("links pages with the market, serves nothing past the end and refuses bad limits", async () => {
    // Prepare
    const base = `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_PAGED_ID}/items`;
    const link = (query: string) => `${base}?${query}`;

    // Act
    const second = (await (await get(`${base}?offset=50&limit=50&market=SE`)).json()) as {
      href: string;
      next: string;
      previous: string;
    };
    await get(`${base}?offset=300&limit=50`);
    const pastEndServed = api.requests.at(-1)?.entriesServed;
    const refused = await Promise.all(
      ["limit=51", "limit=0", "offset=-1"].map(async (query) => {
        const response = await get(`${base}?${query}`);
        return [response.status, await response.json()];
      }),
    );

    // Assess
    expect(second).toMatchObject({
      href: link("offset=50&limit=50&market=SE"),
      next: link("offset=100&limit=50&market=SE"),
      previous: link("offset=0&limit=50&market=SE"),
    });
    expect(pastEndServed).toBe(0);
    const invalid = { error: { status: 400, message: "Invalid limit or offset (limit 1-50)" } };
    expect(refused).toEqual([
      [400, invalid],
      [400, invalid],
      [400, invalid],
    ]);
  });

  it("serves the playlist object with its count under items or tracks", async () => {
    // Prepare
    const urls = [TOP50_GLOBAL_ID, TOP50_GLOBAL_PAGED_ID, ITEMS_2026_SHAPE_ID].map(
      (id) => `${api.apiBaseUrl}/playlists/${id}`,
    );

    // Act
    const objects = await Promise.all(
      urls.map(async (url) => (await get(url)).json() as Promise<Record<string, unknown>>),
    );

    // Assess
    expect(
      objects.map((o) =>
        [o.tracks, o.items].map((x) => (x as { total?: number } | undefined)?.total),
      ),
    ).toEqual([
      [50, undefined],
      [undefined, 220],
      [undefined, 58],
    ]);
  });

  it("embeds the first 100 entries in the playlist object and honours fields", async () => {
    // Prepare
    const base = `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_PAGED_ID}`;
    const served = () => api.requests.at(-1)?.entriesServed;

    // Act
    const full = (await (await get(base)).json()) as {
      items: { items: unknown[]; limit: number; next: string; href: string };
      images?: unknown;
    };
    const fullServed = served();
    const metadataOnly = await (
      await get(`${base}?fields=id,snapshot_id,owner.id,items(total)`)
    ).json();
    const metadataServed = served();
    const nested = (await (
      await get(
        `${base}/items?limit=2&offset=0&fields=items(added_at,item(name,album(!images,name)))`,
      )
    ).json()) as { items: Record<string, unknown>[] };
    const bad = await get(`${base}?fields=items(total`);
    const trailing = await get(`${base}?fields=id)`);
    const repeated = (await (
      await get(`${base}?fields=items(total),items(limit),items.href,owner(!id),owner(!uri)`)
    ).json()) as { items: unknown; owner: object };
    const wholeThenPart = (await (await get(`${base}?fields=items,items(total)`)).json()) as {
      items: { items: unknown[] };
    };

    // Assess
    expect(full.items.items).toHaveLength(100);
    expect(full.items.limit).toBe(100);
    expect(full.items.href).toContain(
      `/playlists/${TOP50_GLOBAL_PAGED_ID}/items?offset=0&limit=100`,
    );
    expect(full.items.next).toContain("offset=100&limit=100");
    expect(full.images).toHaveLength(1); // the capture's other fields are served too
    expect(fullServed).toBe(100);
    expect(metadataOnly).toEqual({
      id: TOP50_GLOBAL_PAGED_ID,
      snapshot_id: api.getPlaylist(TOP50_GLOBAL_PAGED_ID)?.snapshotId,
      owner: { id: "local-owner" },
      items: { total: 220 },
    });
    expect(metadataServed).toBe(0);
    const first = loadRecording("top50-global-2024-04-22").entries[0] as {
      added_at: string;
      track: { name: string; album: { name: string } };
    };
    expect(nested.items[0]).toEqual({
      added_at: first.added_at,
      item: { name: first.track.name, album: { name: first.track.album.name } },
    });
    expect(bad.status).toBe(400);
    expect(trailing.status).toBe(400);
    // A repeated key selects the union of its selections.
    expect(repeated.items).toEqual({ total: 220, limit: 100, href: full.items.href });
    expect(Object.keys(repeated.owner)).toEqual(["display_name", "external_urls", "href", "type"]);
    expect(wholeThenPart.items.items).toHaveLength(100);
  });

  it("checks Bearer tokens and expires them on demand", async () => {
    // Prepare
    const url = `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_ID}`;

    // Act
    const missing = await fetch(url);
    const bogus = await get(url, "made-up");
    const valid = await get(url);
    api.expireAccessTokens();
    const expired = await get(url);

    // Assess
    expect([missing.status, bogus.status, valid.status, expired.status]).toEqual([
      401, 401, 200, 401,
    ]);
    expect(await expired.json()).toEqual({
      error: { status: 401, message: "The access token expired" },
    });
  });

  it("injects each fault for the requests it matches, the given number of times", async () => {
    // Prepare
    const url = `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_ID}`;
    api.injectFaults(
      { endpoint: "playlist", fault: { kind: "rate-limit", retryAfterSeconds: 7 } },
      { endpoint: "playlist", fault: { kind: "rate-limit", reason: "QUOTA_EXCEEDED" } },
      { endpoint: "playlist", times: 2, fault: { kind: "server-error", status: 503 } },
      { endpoint: "playlist", fault: { kind: "forbidden" } },
      { endpoint: "playlist", playlistId: "other", fault: { kind: "not-found" } },
    );

    // Act
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await get(url));

    // Assess
    expect(responses.map((r) => r.status)).toEqual([429, 429, 503, 503, 403, 200]);
    expect(responses[0]?.headers.get("retry-after")).toBe("7");
    expect(responses[1]?.headers.get("retry-after")).toBeNull();
    expect(await responses[1]?.json()).toEqual({
      error: { status: 429, message: "API rate limit exceeded", reason: "QUOTA_EXCEEDED" },
    });
    expect(responses[4]?.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await responses[4]?.text()).toBe(PREMIUM_LAPSE_BODY);
  });

  it("cuts an answer mid-body: full Content-Length, half the bytes, then a closed socket", async () => {
    // Prepare
    api.injectFaults({ endpoint: "items", fault: { kind: "cut-body" } });

    // Act
    const response = await get(
      `${api.apiBaseUrl}/playlists/${TOP50_GLOBAL_ID}/items?limit=50&offset=0`,
    );
    const body = response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(1000);
    await expect(body).rejects.toThrow();
  });

  it("edits a playlist just before answering, with a new snapshot id", async () => {
    // Prepare
    api.setPlaylist("edited1", { name: "Edited", entries: [{ track: { id: "a" } }] });
    const before = api.getPlaylist("edited1")?.snapshotId;
    api.injectFaults({
      endpoint: "items",
      playlistId: "edited1",
      fault: { kind: "edit-playlist", entries: [{ track: { id: "b" } }] },
    });

    // Act
    const page = (await (
      await get(`${api.apiBaseUrl}/playlists/edited1/items?limit=50&offset=0`)
    ).json()) as { items: unknown[] };

    // Assess
    expect(page.items).toEqual([{ track: { id: "b" } }]);
    expect(api.getPlaylist("edited1")?.snapshotId).not.toBe(before);
    expect(api.getPlaylist("edited1")?.name).toBe("Edited");
    api.removePlaylist("edited1");
  });

  it("lets setPlaylist replace what a playlist holds, with a new snapshot id", async () => {
    // Prepare
    const before = api.getPlaylist(TOP50_GLOBAL_PAGED_ID)?.snapshotId;

    // Act
    api.setPlaylist("replaced1", {
      name: "Day 2",
      entries: [{ track: { id: "x" } }, null],
      payloadKey: "item",
    });
    api.setPlaylist(TOP50_GLOBAL_PAGED_ID, { name: "Smaller", entries: [{ track: { id: "y" } }] });
    const page = (await (
      await get(`${api.apiBaseUrl}/playlists/replaced1/items?limit=50&offset=0`)
    ).json()) as {
      items: unknown[];
    };

    // Assess
    expect(page.items).toEqual([{ item: { id: "x" } }, null]);
    expect(api.getPlaylist(TOP50_GLOBAL_PAGED_ID)?.snapshotId).not.toBe(before);
    expect(api.getPlaylist(TOP50_GLOBAL_PAGED_ID)?.entries).toHaveLength(1);
  });

  it("answers token requests as Spotify's accounts service does", async () => {
    // Prepare
    const post = (body: string, auth = `${api.clientId}:${api.clientSecret}`) =>
      fetch(`${api.accountsBaseUrl}/api/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(auth).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body,
      });

    // Act
    const badClient = await post("grant_type=client_credentials", `${api.clientId}:nope`);
    const badRefresh = await post("grant_type=refresh_token&refresh_token=unknown");
    const badGrant = await post("grant_type=password");
    api.addRefreshToken("kept-refresh-token");
    const refreshed = await post("grant_type=refresh_token&refresh_token=kept-refresh-token");
    const redirectUri = "http://127.0.0.1:1/callback";
    const code = api.issueAuthorizationCode(redirectUri);
    const redeem = () =>
      post(
        `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(redirectUri)}`,
      );
    const firstRedeem = await redeem();
    const secondRedeem = await redeem();

    // Assess
    expect([badClient.status, badRefresh.status, badGrant.status]).toEqual([400, 400, 400]);
    expect(await badClient.json()).toEqual({
      error: "invalid_client",
      error_description: "Invalid client",
    });
    expect(await badRefresh.json()).toEqual({
      error: "invalid_grant",
      error_description: "Invalid refresh token",
    });
    // Without rotation Spotify sends no new refresh token, and the old one stays valid.
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).not.toHaveProperty("refresh_token");
    expect(api.isRefreshTokenValid("kept-refresh-token")).toBe(true);
    // A code is redeemed once.
    expect(firstRedeem.status).toBe(200);
    expect([secondRedeem.status, await secondRedeem.json()]).toEqual([
      400,
      { error: "invalid_grant", error_description: "Invalid authorization code" },
    ]);
  });
});
