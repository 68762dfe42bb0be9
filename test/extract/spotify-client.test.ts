/** The Spotify client over real HTTP against the local Spotify API, with an injected clock and sleep. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { DEFAULT_RETRY_POLICY } from "../../functions/extract/retry-policy";
import {
  AccessTokenCache,
  SpotifyClient,
  PLAYLIST_FIELDS,
  SpotifyRequestStats,
  TOKEN_RENEW_BEFORE_MS,
} from "../../functions/extract/spotify-client";
import { SpotifyApiError } from "../../functions/extract/errors";
import {
  TOP50_GLOBAL_ID,
  TOP50_GLOBAL_PAGED_ID,
  recordedPlaylists,
} from "../../scripts/local-spotify-api/recordings";
import { startLocalSpotifyApi, type LocalSpotifyApi } from "../support/local-spotify-api";
import { rejectionOf } from "../support/helpers";

/** An entry as the local API serves it in the 2026 shape: the payload moved to `item`. */
const rekeyed = (entry: unknown) =>
  Object.fromEntries(
    Object.entries(entry as Record<string, unknown>).map(([k, v]) => [
      k === "track" ? "item" : k,
      v,
    ]),
  );

describe("SpotifyClient", () => {
  let api: LocalSpotifyApi;
  let waits: number[];
  let nowMs: number;

  beforeAll(async () => {
    api = await startLocalSpotifyApi({
      playlists: recordedPlaylists(),
      refreshTokens: ["refresh-abcdef"],
    });
  });
  afterAll(async () => {
    await api.stop();
  });
  beforeEach(() => {
    api.clearFaults();
    api.requests.splice(0);
    waits = [];
    nowMs = Date.parse("2026-11-22T16:00:00Z");
  });

  const client = (overrides: Partial<ConstructorParameters<typeof SpotifyClient>[0]> = {}) =>
    new SpotifyClient({
      credentials: { clientId: api.clientId, clientSecret: api.clientSecret },
      apiBaseUrl: api.apiBaseUrl,
      accountsBaseUrl: api.accountsBaseUrl,
      retry: { ...DEFAULT_RETRY_POLICY, requestTimeoutMs: 2000 },
      runtime: {
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.5,
        nowMs: () => nowMs,
      },
      ...overrides,
    });

  it("reads only the snapshot id with fields=snapshot_id", async () => {
    // Prepare
    const spotify = client();

    // Act
    const snapshotId = await spotify.getPlaylistSnapshotId(TOP50_GLOBAL_ID);

    // Assess
    expect(snapshotId).toBe(api.getPlaylist(TOP50_GLOBAL_ID)?.snapshotId);
    expect(api.requests.filter((r) => r.endpoint === "playlist")).toEqual([
      expect.objectContaining({ fields: "snapshot_id", status: 200 }),
    ]);
  });

  it("reads playlist metadata in either shape (items or tracks)", async () => {
    // Prepare
    const spotify = client();

    // Act
    const metadata = await spotify.getPlaylist(TOP50_GLOBAL_ID);

    // Assess: the older shape's page is under `tracks`; only its count is asked for
    expect(metadata).toEqual({
      id: TOP50_GLOBAL_ID,
      name: "Top 50 - Global",
      snapshotId: "NzY3MTQzODAwLDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDY1NmU=",
      ownerId: "spotify",
      total: 50,
    });
    expect(api.requests.at(-1)).toMatchObject({ fields: PLAYLIST_FIELDS, entriesServed: 0 });
  });

  it("takes the first page embedded in a 2026-shape playlist object, asking for no other field", async () => {
    // Prepare
    const spotify = client();
    const served = api.getPlaylist(TOP50_GLOBAL_PAGED_ID)!;

    // Act
    const metadata = await spotify.getPlaylist(TOP50_GLOBAL_PAGED_ID);

    // Assess
    expect(metadata).toMatchObject({ id: TOP50_GLOBAL_PAGED_ID, total: 220 });
    expect(metadata.firstPage).toMatchObject({ total: 220, limit: 100, offset: 0 });
    expect(metadata.firstPage?.items).toHaveLength(100);
    expect(JSON.stringify(metadata.firstPage?.items[99])).toBe(
      JSON.stringify(rekeyed(served.entries[99])),
    );
    expect(api.requests.at(-1)).toMatchObject({ fields: PLAYLIST_FIELDS, entriesServed: 100 });
  });

  it("renews a cached token shortly before it expires, not earlier", async () => {
    // Prepare
    const cache = new AccessTokenCache();
    const spotify = client({ tokenCache: cache });
    await spotify.getPlaylist(TOP50_GLOBAL_ID);

    // Act
    nowMs += 3600_000 - TOKEN_RENEW_BEFORE_MS - 1000; // still more than the margin left
    await spotify.getPlaylist(TOP50_GLOBAL_ID);
    const tokenRequestsBefore = api.requests.filter((r) => r.endpoint === "token").length;
    nowMs += 2000; // now inside the renewal margin
    await spotify.getPlaylist(TOP50_GLOBAL_ID);

    // Assess
    expect(tokenRequestsBefore).toBe(1);
    expect(api.requests.filter((r) => r.endpoint === "token")).toHaveLength(2);
  });

  it("uses the refresh-token grant when a refresh token is configured", async () => {
    // Prepare
    const spotify = client({
      credentials: {
        clientId: api.clientId,
        clientSecret: api.clientSecret,
        refreshToken: "refresh-abcdef",
      },
    });

    // Act
    await spotify.getPlaylistItemsPage(TOP50_GLOBAL_ID, 0, 50);

    // Assess
    expect(spotify.mode).toBe("user");
    expect(api.requests.find((r) => r.endpoint === "token")?.grantType).toBe("refresh_token");
  });

  it("stores nothing when Spotify answers the refresh grant with the same refresh token", async () => {
    // Prepare: a valid access token for the answer, then the answer repeating the token presented
    const appTokens = new AccessTokenCache();
    await client({ tokenCache: appTokens }).getPlaylistSnapshotId(TOP50_GLOBAL_ID);
    const [accessToken] = appTokens.tokens();
    const body = { access_token: accessToken, expires_in: 3600, refresh_token: "refresh-abcdef" };
    api.injectFaults({ endpoint: "token", fault: { kind: "answer", status: 200, body } });
    const stored: string[] = [];
    const spotify = client({
      credentials: {
        clientId: api.clientId,
        clientSecret: api.clientSecret,
        refreshToken: "refresh-abcdef",
      },
      onRefreshTokenRotated: async (refreshToken) => void stored.push(refreshToken),
    });

    // Act
    await spotify.getPlaylistSnapshotId(TOP50_GLOBAL_ID);

    // Assess
    expect(api.requests.at(-2)).toMatchObject({ endpoint: "token", fault: "answer" });
    expect(stored).toEqual([]);
  });

  it("counts a token's lifetime from its request, not its answer", async () => {
    // Prepare: the answer comes 2 s after the request (a 429 waited out)
    const spotify = client({
      tokenCache: new AccessTokenCache(),
      runtime: { sleep: async (ms) => void (nowMs += ms), random: () => 0.5, nowMs: () => nowMs },
    });
    api.injectFaults({ endpoint: "token", fault: { kind: "rate-limit", retryAfterSeconds: 2 } });
    await spotify.getPlaylistSnapshotId(TOP50_GLOBAL_ID);

    // Act: the renewal margin minus 1 s left counted from the request, plus 1 s from the answer
    nowMs += 3600_000 - TOKEN_RENEW_BEFORE_MS - 1000;
    await spotify.getPlaylistSnapshotId(TOP50_GLOBAL_ID);

    // Assess
    expect(api.requests.filter((r) => r.endpoint === "token" && r.status === 200)).toHaveLength(2);
  });

  it("retries a dropped connection and counts it", async () => {
    // Prepare
    const stats = new SpotifyRequestStats();
    const spotify = client({ stats });
    api.injectFaults({ endpoint: "items", fault: { kind: "drop-connection" } });

    // Act
    const page = await spotify.getPlaylistItemsPage(TOP50_GLOBAL_ID, 0, 50);

    // Assess
    expect(page.items).toHaveLength(50);
    expect(stats.retriesNetwork).toBe(1);
    expect(waits).toEqual([250]);
  });

  it("retries a 429 on the token endpoint too", async () => {
    // Prepare
    const stats = new SpotifyRequestStats();
    const spotify = client({ stats, tokenCache: new AccessTokenCache() });
    api.injectFaults({ endpoint: "token", fault: { kind: "rate-limit", retryAfterSeconds: 2 } });

    // Act
    await spotify.getPlaylist(TOP50_GLOBAL_ID);

    // Assess
    expect(waits).toEqual([2000]);
    expect(stats).toMatchObject({ retries429: 1, retryAfterWaitMs: 2000, requests: 3 });
  });

  it("explains rejected app credentials without repeating them", async () => {
    // Prepare
    const spotify = client({
      credentials: { clientId: api.clientId, clientSecret: "wrong-secret-value" },
    });

    // Act
    const error = await rejectionOf(spotify.getPlaylist(TOP50_GLOBAL_ID));

    // Assess
    expect(error).toBeInstanceOf(SpotifyApiError);
    expect(error.message).toContain("rejected the app credentials (invalid_client");
    expect(error.message).not.toContain("wrong-secret-value");
  });

  it("explains a 403 from the token endpoint as a refused token request, not a playlist rule", async () => {
    // Prepare: a proxy or WAF in front of the accounts service refuses the request
    const spotify = client({ tokenCache: new AccessTokenCache() });
    api.injectFaults({
      endpoint: "token",
      fault: { kind: "forbidden", message: "Request blocked" },
    });

    // Act
    const error = await rejectionOf(spotify.getPlaylist(TOP50_GLOBAL_ID));

    // Assess
    expect(error.message).toBe(
      `Spotify's accounts service answered 403 (no error code ("Request blocked")) to a token request.`,
    );
  });

  it("reports an unreachable Spotify as a network problem with the error code only", async () => {
    // Prepare
    const spotify = client({
      apiBaseUrl: "http://127.0.0.1:9/v1",
      retry: { ...DEFAULT_RETRY_POLICY, maxTransientRetries: 1 },
    });

    // Act
    const error = await rejectionOf(spotify.getPlaylist(TOP50_GLOBAL_ID));

    // Assess
    expect(error.message).toMatch(
      /^Could not reach Spotify for playlist 37i9dQZEVXbMDoHDwVN2tF \(ECONNREFUSED, 2 attempts\)/,
    );
    expect(error.message).not.toMatch(/Bearer|local-access/);
  });
});
