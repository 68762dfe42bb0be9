/**
 * The extract handler end to end: real HTTP to the local Spotify API, real S3 calls to fauxqs,
 * real Secrets Manager calls to moto's server (fauxqs lacks Secrets Manager).
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from "@jest/globals";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ExtractFailedError } from "../../functions/extract/errors";
import { createHandler } from "../../functions/extract/handler";
import { PLAYLIST_FIELDS } from "../../functions/extract/spotify-client";
import { rawKeyFor } from "../../functions/shared/s3-layout";
import {
  ITEMS_2026_DEVMODE_ID,
  ITEMS_2026_SHAPE_ID,
  TOP50_GLOBAL_ID,
  TOP50_GLOBAL_PAGED_ID,
  cycleEntries,
  loadRecording,
  recordedPlaylists,
} from "../../scripts/local-spotify-api/recordings";
import {
  PREMIUM_LAPSE_BODY,
  startLocalSpotifyApi,
  type LocalSpotifyApi,
} from "../support/local-spotify-api";
import { startEmulator, type Emulator } from "../support/emulator";
import { secretHolding, secretValue, startMotoServer, type MotoServer } from "../support/moto";
import {
  captureOutput,
  emfMetrics,
  listKeys,
  logRecords,
  readJsonObject,
  rejectionOf,
  type CapturedOutput,
} from "../support/helpers";

const NOW = new Date("2026-11-22T16:00:03.123Z");
const MISSING_ID = "0000000000000000000404";

describe("extract handler (local Spotify API + fauxqs)", () => {
  let emulator: Emulator;
  let api: LocalSpotifyApi;
  let output: CapturedOutput;
  let bucket: string;
  let bucketCounter = 0;
  const originalEnv = { ...process.env };
  let savedEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    emulator = await startEmulator();
    api = await startLocalSpotifyApi({ playlists: recordedPlaylists() });
    savedEnv = { ...process.env };
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    await api.stop();
    await emulator.stop();
    process.env = originalEnv;
  });

  beforeEach(() => {
    bucketCounter += 1;
    bucket = `extract-test-${bucketCounter}`;
    emulator.server.createBucket(bucket);
    api.clearFaults();
    api.requests.splice(0);
    output.clear();
    process.env = {
      ...savedEnv,
      DATA_BUCKET: bucket,
      PLAYLIST_IDS: `${TOP50_GLOBAL_PAGED_ID},${TOP50_GLOBAL_ID}`,
      SPOTIFY_API_BASE_URL: api.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: api.accountsBaseUrl,
      SPOTIFY_CLIENT_ID: api.clientId,
      SPOTIFY_CLIENT_SECRET: api.clientSecret,
      SPOTIFY_BACKOFF_BASE_MS: "5",
      SPOTIFY_RETRY_AFTER_CAP_SECONDS: "5",
    };
  });

  const run = (event: unknown = {}, context?: { getRemainingTimeInMillis(): number }) =>
    createHandler({ now: () => NOW })(event, context);

  const itemsRequests = (playlistId: string) =>
    api.requests.filter((r) => r.endpoint === "items" && r.playlistId === playlistId);

  it("reads every page in order and writes one raw snapshot per playlist", async () => {
    // Prepare
    const top50 = loadRecording("top50-global-2024-04-22");
    const pagedKey = rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW);
    const top50Key = rawKeyFor(TOP50_GLOBAL_ID, NOW);

    // Act
    const summary = await run();
    const paged = await readJsonObject(emulator.s3, bucket, pagedKey);
    const single = await readJsonObject(emulator.s3, bucket, top50Key);

    // Assess
    expect(await listKeys(emulator.s3, bucket)).toEqual([pagedKey, top50Key].sort());
    expect(summary.written).toEqual([
      {
        playlistId: TOP50_GLOBAL_PAGED_ID,
        key: pagedKey,
        entries: 220,
        tracks: 220,
        bytes: expect.any(Number),
      },
      {
        playlistId: TOP50_GLOBAL_ID,
        key: top50Key,
        entries: 50,
        tracks: 50,
        bytes: expect.any(Number),
      },
    ]);
    expect(paged.contentType).toBe("application/json");
    expect(summary.written[0]?.bytes).toBe(Buffer.byteLength(JSON.stringify(paged.json)));
    const snapshot = paged.json as {
      source: string;
      extracted_at: string;
      playlist: Record<string, unknown>;
      market: unknown;
      items: { item: { id: string } }[];
    };
    expect(snapshot.source).toBe("spotify");
    expect(snapshot.extracted_at).toBe(NOW.toISOString());
    expect(snapshot.market).toBeNull();
    expect(snapshot.playlist).toEqual({
      id: TOP50_GLOBAL_PAGED_ID,
      name: "Top 50 - Global (local multi-page copy)",
      snapshot_id: api.getPlaylist(TOP50_GLOBAL_PAGED_ID)?.snapshotId,
      owner_id: "local-owner",
      total: 220,
    });
    const expectedIds = Array.from(
      { length: 220 },
      (_, i) => (top50.entries[i % 50] as { track: { id: string } }).track.id,
    );
    expect(snapshot.items.map((entry) => entry.item.id)).toEqual(expectedIds);
    // The real capture's entries come back exactly as Spotify returned them.
    expect((single.json as { items: unknown[] }).items).toEqual(top50.entries);
    expect(itemsRequests(TOP50_GLOBAL_PAGED_ID).map((r) => [r.offset, r.limit])).toEqual(
      expect.arrayContaining([
        [100, 50],
        [150, 50],
        [200, 50],
      ]),
    );
    // The first 100 entries came embedded in the playlist object: no entry is read twice.
    expect(itemsRequests(TOP50_GLOBAL_PAGED_ID)).toHaveLength(3);
    expect(
      api.requests
        .filter((r) => r.playlistId === TOP50_GLOBAL_PAGED_ID)
        .reduce((sum, r) => sum + (r.entriesServed ?? 0), 0),
    ).toBe(220);
    expect(
      api.requests.filter(
        (r) => r.playlistId === TOP50_GLOBAL_PAGED_ID && r.endpoint === "playlist",
      ),
    ).toEqual([
      expect.objectContaining({ fields: PLAYLIST_FIELDS, entriesServed: 100 }),
      expect.objectContaining({ fields: "snapshot_id", entriesServed: 0 }),
    ]);
    expect(emfMetrics(output.lines)).toMatchObject({
      PlaylistsExtracted: 2,
      PlaylistsFailed: 0,
      TracksExtracted: 270,
      SpotifyRetries429: 0,
    });
  });

  it("gets 403 for a development-mode playlist's items with client credentials, and says why", async () => {
    // Act
    const error = await rejectionOf(run({ playlistIds: [ITEMS_2026_DEVMODE_ID] }));

    // Assess: the playlist object came without its entries, then /items answered 403.
    expect(api.requests.filter((r) => r.endpoint !== "token")).toEqual([
      expect.objectContaining({ endpoint: "playlist", status: 200, entriesServed: 0 }),
      expect.objectContaining({ endpoint: "items", status: 403 }),
    ]);
    expect(error.message).toContain(
      `Spotify answered 403 Forbidden for items of playlist ${ITEMS_2026_DEVMODE_ID} (offset 0) ("Forbidden")`,
    );
    expect(error.message).toContain("a client-credentials token acts for no user");
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
  });

  it("emits no RefreshTokenAgeDays with client credentials", async () => {
    // Act
    await run({ playlistIds: [TOP50_GLOBAL_ID] });

    // Assess
    const metrics = emfMetrics(output.lines);
    expect(metrics).toMatchObject({ PlaylistsExtracted: 1 });
    expect(metrics).not.toHaveProperty("RefreshTokenAgeDays");
  });

  it("honours a short Retry-After, then succeeds", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_PAGED_ID,
      offset: 150,
      fault: { kind: "rate-limit", retryAfterSeconds: 1 },
    });

    // Act
    await run({ playlistIds: [TOP50_GLOBAL_PAGED_ID] });

    // Assess
    expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW)]);
    expect(itemsRequests(TOP50_GLOBAL_PAGED_ID).map((r) => r.status)).toEqual(
      expect.arrayContaining([429, 200, 200, 200]),
    );
    expect(emfMetrics(output.lines)).toMatchObject({
      SpotifyRetries429: 1,
      RetryAfterWaitMs: 1000,
      PlaylistsExtracted: 1,
    });
  });

  it("fails fast on a Retry-After longer than the cap and writes nothing for that playlist", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_PAGED_ID,
      offset: 150,
      fault: { kind: "rate-limit", retryAfterSeconds: 3600 },
    });

    // Act
    const error = await rejectionOf(run({ playlistIds: [TOP50_GLOBAL_PAGED_ID] }));

    // Assess
    expect(error.name).toBe("ExtractFailedError");
    expect(error.message).toContain(TOP50_GLOBAL_PAGED_ID);
    expect(error.message).toMatch(/asked to wait 3600 s \(Retry-After\), more than the 5 s cap/);
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
    expect(itemsRequests(TOP50_GLOBAL_PAGED_ID).filter((r) => r.offset === 150)).toHaveLength(1);
    expect(emfMetrics(output.lines)).toMatchObject({
      PlaylistsFailed: 1,
      SpotifyRetries429: 0,
      TracksExtracted: 0,
    });
  });

  it("ends the playlist on a QUOTA_EXCEEDED 429 without retrying", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "playlist",
      playlistId: TOP50_GLOBAL_ID,
      fault: { kind: "rate-limit", retryAfterSeconds: 1, reason: "QUOTA_EXCEEDED" },
    });

    // Act
    const error = await rejectionOf(run({ playlistIds: [TOP50_GLOBAL_ID] }));

    // Assess
    expect(error.message).toContain(
      `playlist ${TOP50_GLOBAL_ID}: Spotify answered 429 with reason QUOTA_EXCEEDED`,
    );
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
    expect(api.requests.filter((r) => r.endpoint === "playlist")).toHaveLength(1);
    // The quota resets by itself: the next run may succeed with nobody acting.
    expect(error).toMatchObject({ retryable: true });
  });

  it("retries a 500 and succeeds", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_PAGED_ID,
      offset: 200,
      fault: { kind: "server-error", status: 500 },
    });

    // Act
    await run({ playlistIds: [TOP50_GLOBAL_PAGED_ID] });

    // Assess
    expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW)]);
    expect(emfMetrics(output.lines)).toMatchObject({ SpotifyRetries5xx: 1, PlaylistsExtracted: 1 });
  });

  it("gets a new token when the token expires mid-run, and reuses cached tokens across warm invocations", async () => {
    // Prepare
    await run({ playlistIds: [TOP50_GLOBAL_ID] }); // warms the token cache
    process.env.SPOTIFY_PAGE_CONCURRENCY = "1"; // one request holds the token when it expires
    api.requests.splice(0);
    output.clear();
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_PAGED_ID,
      offset: 150,
      fault: { kind: "expired-token" },
    });

    // Act
    await run({ playlistIds: [TOP50_GLOBAL_PAGED_ID] });

    // Assess
    const tokenRequests = api.requests.filter((r) => r.endpoint === "token");
    expect(tokenRequests).toHaveLength(1); // none at the start (cached), one after the 401
    expect(api.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(await listKeys(emulator.s3, bucket)).toContain(rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW));
    expect(emfMetrics(output.lines)).toMatchObject({ SpotifyRetries401: 1, PlaylistsExtracted: 1 });
  });

  it("writes the good playlists and fails the invocation naming a 404 among them", async () => {
    // Prepare
    process.env.PLAYLIST_IDS = `${TOP50_GLOBAL_ID},${MISSING_ID},${TOP50_GLOBAL_PAGED_ID}`;

    // Act
    const error = await rejectionOf(run());

    // Assess
    expect(error.name).toBe("ExtractFailedError");
    expect(error.message).toMatch(
      /^Extract failed for 1 of 3 playlists \(0000000000000000000404\); 2 written\./,
    );
    expect(error.message).toContain(`playlist ${MISSING_ID}: Spotify answered 404 Not Found`);
    expect(error.message).toContain("Check the playlist id");
    expect(error.message).not.toContain("November 27, 2024");
    expect(error).toBeInstanceOf(ExtractFailedError);
    expect(error).toMatchObject({ failedPlaylistIds: [MISSING_ID], retryable: false });
    expect(await listKeys(emulator.s3, bucket)).toEqual(
      [rawKeyFor(TOP50_GLOBAL_ID, NOW), rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW)].sort(),
    );
    expect(emfMetrics(output.lines)).toMatchObject({
      PlaylistsExtracted: 2,
      PlaylistsFailed: 1,
      TracksExtracted: 270,
    });
    const failureLog = logRecords(output.lines).find(
      (r) => r.message === "Playlist extract failed",
    );
    expect(failureLog).toMatchObject({
      level: "ERROR",
      playlistId: MISSING_ID,
      problem: "not-found",
      retryable: false,
    });
  });

  it("points a 404 for an editorial playlist id to chart files", async () => {
    // Prepare: an editorial id the local API does not serve, as Spotify hides them from new apps
    const editorialId = "37i9dQZEVXbLiRSasKsNU9";

    // Act
    const error = await rejectionOf(run({ playlistIds: [editorialId] }));

    // Assess
    expect(error.message).toContain(`playlist ${editorialId}: Spotify answered 404 Not Found`);
    expect(error.message).toContain("November 27, 2024");
    expect(error.message).toContain("charts.spotify.com");
    expect(error.message).toContain("`make import-charts`");
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
  });

  it("explains the Premium-lapse 403", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "api",
      playlistId: TOP50_GLOBAL_ID,
      times: 2,
      fault: { kind: "forbidden" },
    });

    // Act
    const error = await rejectionOf(run({ playlistIds: [TOP50_GLOBAL_ID] }));

    // Assess
    // Spotify's own plain-text answer, quoted whole, and what renewing Premium takes.
    expect(error.message).toContain(PREMIUM_LAPSE_BODY);
    expect(error.message).toContain("Since February 2026 a development-mode app only works while");
    expect(error.message).toContain("can take a few hours");
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
  });

  it("explains a plain 403 on the items with the 2026 ownership rule", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_ID,
      fault: { kind: "forbidden", message: "Forbidden" },
    });

    // Act
    const error = await rejectionOf(run({ playlistIds: [TOP50_GLOBAL_ID] }));

    // Assess
    expect(error.message).toContain(
      'Spotify answered 403 Forbidden for items of playlist 37i9dQZEVXbMDoHDwVN2tF (offset 0) ("Forbidden")',
    );
    expect(error.message).toContain("owned by, or collaborated on by, the user who authorized it");
    expect(error.message).toContain("Users Management; at most 5 users in development mode");
  });

  it("redacts a secret Spotify echoes from the invocation error", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "items",
      playlistId: TOP50_GLOBAL_ID,
      fault: { kind: "forbidden", message: `Bad client ${api.clientSecret}` },
    });

    // Act
    const error = await rejectionOf(run({ playlistIds: [TOP50_GLOBAL_ID] }));

    // Assess
    expect(error.message).toContain('("Bad client [redacted]")');
    expect(error.message).not.toContain(api.clientSecret);
  });

  it("times out a slow request, retries it, and gives up when it stays slow", async () => {
    // Prepare: a timeout no ordinary page nears on a loaded machine, a fault far past it
    process.env.SPOTIFY_REQUEST_TIMEOUT_MS = "1000";
    process.env.SPOTIFY_MAX_RETRIES = "1";
    api.injectFaults(
      {
        endpoint: "items",
        playlistId: TOP50_GLOBAL_PAGED_ID,
        offset: 150,
        fault: { kind: "slow", delayMs: 5000 },
      },
      {
        endpoint: "items",
        playlistId: TOP50_GLOBAL_ID,
        offset: 0,
        times: 2,
        fault: { kind: "slow", delayMs: 5000 },
      },
    );

    // Act
    const error = await rejectionOf(run());

    // Assess
    expect(error.message).toMatch(
      /^Extract failed for 1 of 2 playlists \(37i9dQZEVXbMDoHDwVN2tF\)/,
    );
    expect(error.message).toContain(
      "timed out (2 attempts, the last one after 1000 ms; SPOTIFY_REQUEST_TIMEOUT_MS)",
    );
    expect(error).toMatchObject({ name: "ExtractFailedError", retryable: true });
    expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_PAGED_ID, NOW)]);
    expect(emfMetrics(output.lines)).toMatchObject({
      SpotifyRetriesNetwork: 2,
      PlaylistsExtracted: 1,
      PlaylistsFailed: 1,
    });
  });

  it("lets the event's playlistIds override PLAYLIST_IDS", async () => {
    // Prepare
    process.env.PLAYLIST_IDS = TOP50_GLOBAL_PAGED_ID;

    // Act
    const summary = await run({ playlistIds: [`spotify:playlist:${TOP50_GLOBAL_ID}`] });

    // Assess
    expect(summary.written.map((w) => w.playlistId)).toEqual([TOP50_GLOBAL_ID]);
    expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_ID, NOW)]);
    expect(itemsRequests(TOP50_GLOBAL_PAGED_ID)).toHaveLength(0);
  });

  it("fails a playlist whose entries do not add up to its total, writing nothing", async () => {
    // Prepare: the real 2026-shape page reports total 58 but holds 2 entries.
    process.env.PLAYLIST_IDS = ITEMS_2026_SHAPE_ID;

    // Act
    const error = await rejectionOf(run());

    // Assess
    expect(error.message).toContain(
      `Read 2 entries at offset 0 of playlist ${ITEMS_2026_SHAPE_ID}, expected 58 (total 58). Nothing written`,
    );
    expect(await listKeys(emulator.s3, bucket)).toEqual([]);
  });

  it("starts no playlist when the Lambda deadline is too close", async () => {
    // Prepare
    process.env.EXTRACT_DEADLINE_MARGIN_MS = "10000";

    // Act
    const error = await rejectionOf(run({}, { getRemainingTimeInMillis: () => 9_000 }));

    // Assess
    expect(error.message).toContain("Not started: no time left before the Lambda deadline");
    expect(api.requests).toHaveLength(0);
    expect(emfMetrics(output.lines)).toMatchObject({
      PlaylistsFailed: 2,
      TracksExtracted: 0,
      SpotifyRequests: 0,
    });
  });

  it("records SPOTIFY_MARKET in the snapshot and sends it to Spotify", async () => {
    // Prepare
    process.env.SPOTIFY_MARKET = "se";

    // Act
    await run({ playlistIds: [TOP50_GLOBAL_ID] });
    const { json } = await readJsonObject(emulator.s3, bucket, rawKeyFor(TOP50_GLOBAL_ID, NOW));

    // Assess
    expect((json as { market: string }).market).toBe("SE");
    expect(itemsRequests(TOP50_GLOBAL_ID)[0]?.market).toBe("SE");
  });

  it("reports bad configuration naming every variable", async () => {
    // Prepare
    delete process.env.DATA_BUCKET;
    process.env.SPOTIFY_PAGE_CONCURRENCY = "0";

    // Act
    const error = await rejectionOf(run({ playlistIds: "not-a-list" }));

    // Assess
    expect(error.message).toContain("DATA_BUCKET is required");
    expect(error.message).toContain("SPOTIFY_PAGE_CONCURRENCY must be an integer from 1 to 8");
    expect(error.message).toContain('"playlistIds" must be a non-empty array');
    expect(emfMetrics(output.lines)).toMatchObject({ PlaylistsExtracted: 0, TracksExtracted: 0 });
    expect(logRecords(output.lines)).toContainEqual(
      expect.objectContaining({ level: "ERROR", message: "Extract could not run" }),
    );
  });

  describe("hostile or broken answers", () => {
    const EDITED_ID = "localEditedWhileRead";
    const top50Entries = () => loadRecording("top50-global-2024-04-22").entries;
    const idsOf = (items: unknown[]) =>
      items.map((entry) => {
        const record = entry as { item?: { id: string }; track?: { id: string } };
        return (record.item ?? record.track)!.id;
      });
    /**
     * 120 real entries (the embedded page of 100, then one items page of 20); the edit drops
     * the 3rd and appends another: same total.
     */
    const original = () => cycleEntries(top50Entries(), 120);
    const edited = () => {
      const entries = original();
      entries.splice(2, 1);
      entries.push(top50Entries()[49]);
      return entries;
    };

    beforeEach(() => {
      api.setPlaylist(EDITED_ID, {
        name: "Edited while read",
        entries: original(),
        payloadKey: "item",
      });
      process.env.PLAYLIST_IDS = EDITED_ID;
    });
    afterEach(() => api.removePlaylist(EDITED_ID));

    it("reads a playlist edited between two pages (same total) again and writes only the edited one", async () => {
      // Prepare: the edit lands just before the page at offset 100 is answered.
      api.injectFaults({
        endpoint: "items",
        playlistId: EDITED_ID,
        offset: 100,
        fault: { kind: "edit-playlist", entries: edited() },
      });

      // Act
      const summary = await run();
      const { json } = await readJsonObject(emulator.s3, bucket, rawKeyFor(EDITED_ID, NOW));

      // Assess
      const snapshot = json as { playlist: { snapshot_id: string }; items: unknown[] };
      expect(summary.written.map((w) => w.playlistId)).toEqual([EDITED_ID]);
      expect(idsOf(snapshot.items)).toEqual(idsOf(edited()));
      expect(idsOf(snapshot.items)).not.toEqual(idsOf(original()));
      expect(snapshot.playlist.snapshot_id).toBe(api.getPlaylist(EDITED_ID)?.snapshotId);
      expect(
        api.requests.filter((r) => r.playlistId === EDITED_ID && r.fields === PLAYLIST_FIELDS),
      ).toHaveLength(2);
      expect(logRecords(output.lines)).toContainEqual(
        expect.objectContaining({
          level: "WARN",
          message: "Playlist changed while being read; reading it again from the start",
          playlistId: EDITED_ID,
        }),
      );
    });

    it("fails a playlist edited during both reads, writing nothing", async () => {
      // Prepare
      api.injectFaults({
        endpoint: "items",
        playlistId: EDITED_ID,
        offset: 100,
        times: 2,
        fault: { kind: "edit-playlist", entries: edited() },
      });

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        `Playlist ${EDITED_ID} changed while being read, and again on the second read`,
      );
      expect(error.message).toContain("before the pages and");
      expect(await listKeys(emulator.s3, bucket)).toEqual([]);
      expect(logRecords(output.lines)).toContainEqual(
        expect.objectContaining({ level: "ERROR", problem: "changed-while-reading" }),
      );
    });

    it("refuses a total over Spotify's 10,000 cap before reading a single page", async () => {
      // Prepare
      api.setPlaylist(EDITED_ID, {
        name: "Absurd total",
        entries: top50Entries(),
        reportedTotal: 5_000_000,
      });

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        `reports total 5000000, but Spotify caps playlists at 10000 entries`,
      );
      expect(itemsRequests(EDITED_ID)).toHaveLength(0);
      expect(await listKeys(emulator.s3, bucket)).toEqual([]);
      expect(logRecords(output.lines)).toContainEqual(
        expect.objectContaining({ level: "ERROR", problem: "absurd-total" }),
      );
    });

    it.each([
      ["a string", "not an entry", 'is a string ("not an entry")'],
      ["a number", 42, "is a number (42)"],
    ])("refuses an entry that is %s, writing nothing", async (_what, bad, said) => {
      // Prepare: a real first page, then a second page holding the bad entry.
      api.setPlaylist(EDITED_ID, {
        name: "Malformed entry",
        entries: [...top50Entries(), top50Entries()[0], bad],
      });

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(`Entry at position 52 of playlist ${EDITED_ID} ${said}`);
      expect(await listKeys(emulator.s3, bucket)).toEqual([]);
      expect(logRecords(output.lines)).toContainEqual(
        expect.objectContaining({ level: "ERROR", problem: "malformed-entry" }),
      );
    });

    it("retries an answer cut mid-body and writes the whole playlist", async () => {
      // Prepare
      api.injectFaults({
        endpoint: "items",
        playlistId: EDITED_ID,
        offset: 100,
        fault: { kind: "cut-body" },
      });

      // Act
      const summary = await run();

      // Assess
      expect(summary.written).toEqual([expect.objectContaining({ entries: 120 })]);
      expect(itemsRequests(EDITED_ID).map((r) => r.fault ?? "ok")).toContain("cut-body");
      expect(emfMetrics(output.lines)).toMatchObject({ SpotifyRetriesNetwork: 1 });
    });

    it("reports an answer that stays cut mid-body as cut, not as an unreachable Spotify", async () => {
      // Prepare
      process.env.SPOTIFY_MAX_RETRIES = "1";
      api.injectFaults({
        endpoint: "items",
        playlistId: EDITED_ID,
        offset: 100,
        times: Infinity,
        fault: { kind: "cut-body" },
      });

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        `Spotify's answer to items of playlist ${EDITED_ID} (offset 100) was cut off mid-body: ` +
          "status 200 came, then the connection broke before the body was complete",
      );
      expect(error.message).not.toMatch(/could not reach|check the function's network access/i);
      expect(await listKeys(emulator.s3, bucket)).toEqual([]);
      expect(logRecords(output.lines)).toContainEqual(
        expect.objectContaining({ level: "ERROR", problem: "connection-lost" }),
      );
    });

    it("reports a connection closed before any answer as such", async () => {
      // Prepare
      process.env.SPOTIFY_MAX_RETRIES = "1";
      api.injectFaults({
        endpoint: "playlist",
        playlistId: EDITED_ID,
        times: Infinity,
        fault: { kind: "drop-connection" },
      });

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        `The connection to Spotify for playlist ${EDITED_ID} was closed before any answer came (ECONNRESET, 2 attempts)`,
      );
      expect(error.message).not.toMatch(/could not reach|check the function's network access/i);
    });

    it("still says it could not reach Spotify when nothing listens", async () => {
      // Prepare: a port nothing listens on (the local API's, once stopped).
      const closed = await startLocalSpotifyApi();
      await closed.stop();
      process.env.SPOTIFY_API_BASE_URL = closed.apiBaseUrl;
      process.env.SPOTIFY_MAX_RETRIES = "0";

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        `Could not reach Spotify for playlist ${EDITED_ID} (ECONNREFUSED`,
      );
      expect(error.message).toContain("NAT, DNS");
    });
  });

  describe("with a refresh token in Secrets Manager (moto)", () => {
    let moto: MotoServer;
    let secretsManager: SecretsManagerClient;
    let rotatingApi: LocalSpotifyApi;
    const initialRefreshToken = "user-refresh-token-0123456789";

    beforeAll(async () => {
      [moto, rotatingApi] = await Promise.all([
        startMotoServer(),
        startLocalSpotifyApi({
          playlists: recordedPlaylists(),
          refreshTokens: [initialRefreshToken],
          rotateRefreshTokens: true,
        }),
      ]);
      secretsManager = new SecretsManagerClient({ endpoint: moto.endpoint });
    });

    afterAll(async () => {
      secretsManager.destroy();
      await Promise.all([rotatingApi.stop(), moto.stop()]);
    });

    beforeEach(() => {
      // The extract's own client finds moto by the SDK's per-service variable; S3 stays on fauxqs.
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
    });

    it("writes a rotated refresh token back to the secret, keeps other keys, and never logs a secret", async () => {
      // Prepare
      const secretArn = await secretHolding(secretsManager, {
        client_id: rotatingApi.clientId,
        client_secret: rotatingApi.clientSecret,
        refresh_token: initialRefreshToken,
        authorized_at: "2026-10-01T09:30:00.000Z",
        note: "kept",
      });
      process.env = {
        ...process.env,
        SPOTIFY_SECRET_ARN: secretArn,
        SPOTIFY_API_BASE_URL: rotatingApi.apiBaseUrl,
        SPOTIFY_ACCOUNTS_BASE_URL: rotatingApi.accountsBaseUrl,
        PLAYLIST_IDS: `${TOP50_GLOBAL_ID},${MISSING_ID}`,
      };
      delete process.env.SPOTIFY_CLIENT_ID;
      delete process.env.SPOTIFY_CLIENT_SECRET;
      rotatingApi.injectFaults({
        endpoint: "items",
        playlistId: TOP50_GLOBAL_ID,
        fault: { kind: "expired-token" },
      });

      // Act
      const error = await rejectionOf(run());
      const secondRun = await rejectionOf(run()); // warm, with the rotated token
      const stored = await secretValue(secretsManager, secretArn);

      // Assess
      expect(stored).toEqual({
        client_id: rotatingApi.clientId,
        client_secret: rotatingApi.clientSecret,
        refresh_token: expect.any(String),
        authorized_at: "2026-10-01T09:30:00.000Z",
        note: "kept",
      });
      expect(stored.refresh_token).not.toBe(initialRefreshToken);
      expect(rotatingApi.isRefreshTokenValid(initialRefreshToken)).toBe(false);
      expect(rotatingApi.isRefreshTokenValid(stored.refresh_token as string)).toBe(true);
      expect(secondRun.message).not.toContain("invalid_grant");
      expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_ID, NOW)]);

      const secrets = [rotatingApi.clientSecret, initialRefreshToken, ...rotatingApi.issuedTokens];
      const everything = [...output.lines, error.message, secondRun.message].join("\n");
      expect(logRecords(output.lines).length).toBeGreaterThan(5);
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });

    /** A new secret with the local app, a fresh refresh token and `extra`; its ARN. */
    const userSecret = (extra: Record<string, unknown>) =>
      secretHolding(secretsManager, {
        client_id: rotatingApi.clientId,
        client_secret: rotatingApi.clientSecret,
        refresh_token: initialRefreshTokenFor(rotatingApi),
        ...extra,
      });
    const initialRefreshTokenFor = (target: LocalSpotifyApi): string => {
      const token = `user-refresh-token-${target.issuedTokens.length}-${Date.now()}`;
      target.addRefreshToken(token);
      return token;
    };
    const useSecret = (arn: string) => {
      process.env = {
        ...process.env,
        SPOTIFY_SECRET_ARN: arn,
        SPOTIFY_API_BASE_URL: rotatingApi.apiBaseUrl,
        SPOTIFY_ACCOUNTS_BASE_URL: rotatingApi.accountsBaseUrl,
        PLAYLIST_IDS: TOP50_GLOBAL_ID,
      };
    };

    it("emits RefreshTokenAgeDays from the secret's authorized_at on a refresh-token run", async () => {
      // Prepare: the login was 150 days and 12 hours before the run
      useSecret(await userSecret({ authorized_at: "2026-06-25T04:00:03.123Z" }));

      // Act
      const summary = await run();

      // Assess
      expect(summary.written).toHaveLength(1);
      expect(emfMetrics(output.lines)).toMatchObject({
        RefreshTokenAgeDays: 150.5,
        PlaylistsExtracted: 1,
      });
    });

    it("reads the secret afresh on the run after it wrote a rotated token, not from its cache", async () => {
      // Prepare: a run rotates the token and writes it back; a new login then lands in the
      // secret within the 300 s Powertools caches it for.
      const secretArn = await userSecret({ authorized_at: "2026-10-01T09:30:00.000Z" });
      useSecret(secretArn);
      await run();
      const written = await secretValue(secretsManager, secretArn);
      const relogin = { ...written, authorized_at: "2026-11-21T16:00:03.123Z" };
      await secretsManager.send(
        new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(relogin) }),
      );
      output.clear();

      // Act
      await run();

      // Assess: the age is the new login's (one day), not the cached 52 days
      expect(emfMetrics(output.lines)).toMatchObject({ RefreshTokenAgeDays: 1 });
    });

    it("fails the invocation, not retryable, when the rotated refresh token cannot be stored", async () => {
      // Prepare: the function may read the secret but not write it.
      useSecret(await userSecret({ authorized_at: "2026-10-01T09:30:00.000Z" }));
      const send = SecretsManagerClient.prototype.send;
      const denyPut = jest
        .spyOn(SecretsManagerClient.prototype, "send")
        .mockImplementation(function (this: SecretsManagerClient, ...args: unknown[]) {
          if (!(args[0] instanceof PutSecretValueCommand)) return Reflect.apply(send, this, args);
          const denied = new Error("not authorized to perform: secretsmanager:PutSecretValue");
          return Promise.reject(Object.assign(denied, { name: "AccessDeniedException" }));
        } as never);

      // Act
      const error = await rejectionOf(run()).finally(() => denyPut.mockRestore());

      // Assess: the snapshot counts; the alarm fires and a retry would not help.
      expect(error).toBeInstanceOf(ExtractFailedError);
      expect(error.message).toMatch(
        /^Extract wrote 1 playlists but hit a problem\.\n- Could not store the rotated Spotify refresh token .*\(AccessDeniedException: /,
      );
      expect(error).toMatchObject({ failedPlaylistIds: [], retryable: false });
      expect(await listKeys(emulator.s3, bucket)).toEqual([rawKeyFor(TOP50_GLOBAL_ID, NOW)]);
    });

    it("snapshots a 2026 development-mode playlist in one Web API request, entries unchanged", async () => {
      // Prepare: development mode reads a playlist's entries only for its user (a refresh token).
      const fixture = loadRecording("items-2026-devmode");
      useSecret(await userSecret({ authorized_at: "2026-10-01T09:30:00.000Z" }));
      const requestsBefore = rotatingApi.requests.length;

      // Act
      const summary = await run({ playlistIds: [ITEMS_2026_DEVMODE_ID] });
      const { json } = await readJsonObject(
        emulator.s3,
        bucket,
        rawKeyFor(ITEMS_2026_DEVMODE_ID, NOW),
      );

      // Assess
      expect(summary.written).toEqual([
        expect.objectContaining({ playlistId: ITEMS_2026_DEVMODE_ID, entries: 50, tracks: 50 }),
      ]);
      expect((json as { items: unknown[] }).items).toEqual(fixture.entries);
      const requests = rotatingApi.requests.slice(requestsBefore);
      expect(requests.filter((r) => r.endpoint !== "token")).toEqual([
        expect.objectContaining({
          endpoint: "playlist",
          fields: PLAYLIST_FIELDS,
          entriesServed: 50,
        }),
      ]);
      expect(requests.find((r) => r.endpoint === "token")?.grantType).toBe("refresh_token");
    });

    it("runs without authorized_at, with one warning per cold start and no age metric", async () => {
      // Prepare
      useSecret(await userSecret({}));

      // Act
      await run();
      await run();

      // Assess
      const warnings = logRecords(output.lines).filter((r) =>
        String(r.message).includes("has no authorized_at"),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: "WARN" });
      expect(emfMetrics(output.lines)).toMatchObject({ PlaylistsExtracted: 2 });
      expect(emfMetrics(output.lines)).not.toHaveProperty("RefreshTokenAgeDays");
    });

    it("refuses an authorized_at in the future, naming the key", async () => {
      // Prepare
      useSecret(await userSecret({ authorized_at: "2027-01-01T00:00:00Z" }));
      const requestsBefore = rotatingApi.requests.length;

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain(
        "authorized_at (2027-01-01T00:00:00.000Z) lies in the future",
      );
      expect(rotatingApi.requests.length).toBe(requestsBefore); // nothing asked of Spotify
      expect(await listKeys(emulator.s3, bucket)).toEqual([]);
    });

    it("explains a refresh token Spotify no longer accepts", async () => {
      // Prepare
      useSecret(
        await secretHolding(secretsManager, {
          client_id: rotatingApi.clientId,
          client_secret: rotatingApi.clientSecret,
          refresh_token: "revoked-refresh-token-0000",
        }),
      );

      // Act
      const error = await rejectionOf(run());

      // Assess
      expect(error.message).toContain("rejected the refresh token (invalid_grant");
      expect(error.message).toContain("six months after the login that issued it");
      expect(error.message).toContain("Run `make spotify-login` again");
      expect(error.message).not.toContain("revoked-refresh-token-0000");
      expect(output.lines.join("")).not.toContain("revoked-refresh-token-0000");
    });
  });
});
