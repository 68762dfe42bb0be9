/**
 * The one Spotify Web API client of the project (axios): access tokens (client credentials, or
 * a refresh token from the authorization-code flow), playlist metadata and items pages, every
 * request under the retry policy of `retry-policy.ts`. No AWS here.
 *
 * Nothing this module logs or throws contains a credential, a token or a request header: axios
 * errors (whose `config` holds the Authorization header) are reduced to a status or an error
 * code before they leave {@link SpotifyClient.send}.
 */
import axios, { type AxiosInstance } from "axios";
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import * as z from "../shared/zod";
import { nonEmptyString, nonNegativeInt } from "../shared/zod";
import {
  DEFAULT_RETRY_POLICY,
  REAL_RUNTIME,
  RetryGiveUpError,
  sendWithRetries,
  type AttemptFailure,
  type AttemptResult,
  type RetryCause,
  type RetryPolicyConfig,
  type RetryRuntime,
} from "./retry-policy";
import { SpotifyApiError, type SpotifyEndpoint } from "./errors";

/** Spotify's production Web API. */
export const DEFAULT_API_BASE_URL = "https://api.spotify.com/v1";
/** Spotify's production accounts service (token endpoint). */
export const DEFAULT_ACCOUNTS_BASE_URL = "https://accounts.spotify.com";

/** The `Authorization` header value Spotify's token endpoint expects from an app. */
export function appBasicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
}
/** The largest page `GET /playlists/{id}/items` serves. */
export const MAX_ITEMS_PAGE_LIMIT = 50;
/** Spotify caps a playlist at 10,000 entries; a larger `total` is a broken answer. */
export const MAX_PLAYLIST_ENTRIES = 10_000;
/** A cached access token is renewed when it has less than this left. */
export const TOKEN_RENEW_BEFORE_MS = 60_000;

/** The app's credentials; with a refresh token the client acts for that user. */
export interface SpotifyCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
  /** When the login that issued `refreshToken` happened (the secret's `authorized_at`). */
  authorizedAt?: Date;
}

/** Counters behind the extract's Spotify metrics. */
export class SpotifyRequestStats {
  /** HTTP requests sent to Spotify (Web API and accounts service, retries included). */
  requests = 0;
  retries429 = 0;
  retries5xx = 0;
  retriesNetwork = 0;
  retries401 = 0;
  /** Milliseconds spent waiting after 429 answers. */
  retryAfterWaitMs = 0;

  /** Counts one retry about to happen. */
  recordRetry(cause: RetryCause, delayMs: number): void {
    if (cause === "rate-limit") {
      this.retries429 += 1;
      this.retryAfterWaitMs += delayMs;
    } else if (cause === "server-error") this.retries5xx += 1;
    else if (cause === "network") this.retriesNetwork += 1;
    else this.retries401 += 1;
  }
}

interface CachedToken {
  token: string;
  expiresAtMs: number;
}

/**
 * Access tokens kept across warm invocations (one entry per accounts service, client id and
 * mode), so a daily run does not ask for a token more than needed.
 */
export class AccessTokenCache {
  private readonly entries = new Map<string, CachedToken>();

  /** A token valid for at least `TOKEN_RENEW_BEFORE_MS` more, if one is cached. */
  get(key: string, nowMs: number): string | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAtMs - nowMs < TOKEN_RENEW_BEFORE_MS) return undefined;
    return entry.token;
  }

  set(key: string, token: string, expiresAtMs: number): void {
    this.entries.set(key, { token, expiresAtMs });
  }

  /** Drops `token` if it is still the cached one (another request may have renewed it). */
  invalidate(key: string, token: string): void {
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }

  /** Every cached token (for redaction checks). */
  tokens(): string[] {
    return [...this.entries.values()].map((entry) => entry.token);
  }
}

/** Playlist metadata the raw snapshot records. */
export interface PlaylistMetadata {
  id: string;
  name: string | null;
  snapshotId: string | null;
  ownerId: string | null;
  /** `items.total` (2026 shape) or `tracks.total`, when the object carries it. */
  total: number | undefined;
  /**
   * The first page of entries the playlist object embeds (2026 shape, under `items`), read in
   * the same answer as the snapshot id; undefined when the answer has none.
   */
  firstPage?: PlaylistItemsPage;
}

/** One page of `GET /playlists/{id}/items`, entries exactly as Spotify returned them. */
export interface PlaylistItemsPage {
  items: unknown[];
  total: number;
  limit: number | undefined;
  offset: number | undefined;
  next: string | null;
}

/** Settings of a {@link SpotifyClient}. */
export interface SpotifyClientOptions {
  credentials: SpotifyCredentials;
  apiBaseUrl?: string;
  accountsBaseUrl?: string;
  /** ISO 3166-1 alpha-2 code passed as `market`; null or undefined: none. */
  market?: string | null;
  retry?: RetryPolicyConfig;
  /** Shared across warm invocations; a private one when omitted. */
  tokenCache?: AccessTokenCache;
  stats?: SpotifyRequestStats;
  /** Sleep, randomness, clock and deadline; real ones when omitted. */
  runtime?: Partial<RetryRuntime>;
  /**
   * Called when the accounts service returns a new refresh token (rotation). The client uses
   * the new token from then on; the callback stores it (e.g. back into the secret).
   */
  onRefreshTokenRotated?: (refreshToken: string) => Promise<void>;
  /** An axios instance to use; one with keep-alive agents when omitted. */
  http?: AxiosInstance;
}

const tokenResponseSchema = z.object({
  access_token: nonEmptyString,
  token_type: z.optional(z.string()),
  expires_in: z.number().check(z.positive()),
  refresh_token: z.optional(nonEmptyString),
});

/**
 * The playlist object's fields the extract asks for: metadata and the embedded first page,
 * nothing else (no description, images, followers). The embedded page is the first page of
 * entries, so no `/items` request repeats it (docs/adr/0031-embedded-first-page-and-fields.md). The older shape's `tracks` gives
 * only its count: its entries then come from `/items`, once.
 */
export const PLAYLIST_FIELDS =
  "id,name,snapshot_id,owner(id),items(href,limit,next,offset,total,items),tracks(total)";

const embeddedPageSchema = z.object({
  total: z.optional(nonNegativeInt),
  items: z.optional(z.array(z.unknown())),
  limit: z.nullish(z.int()),
  offset: z.nullish(z.int()),
  next: z.nullish(z.string()),
});

const playlistSchema = z.object({
  id: z.string(),
  name: z.nullish(z.string()),
  snapshot_id: z.nullish(z.string()),
  owner: z.nullish(z.object({ id: z.nullish(z.string()) })),
  items: z.nullish(embeddedPageSchema),
  tracks: z.nullish(z.object({ total: z.optional(nonNegativeInt) })),
});

const snapshotIdSchema = z.object({ snapshot_id: z.nullish(z.string()) });

const itemsPageSchema = z.object({
  items: z.array(z.unknown()),
  total: nonNegativeInt,
  limit: z.optional(z.int()),
  offset: z.optional(z.int()),
  next: z.nullish(z.string()),
});

let sharedHttp: AxiosInstance | undefined;

/** One axios instance per process, with keep-alive sockets (reused across warm invocations). */
function defaultHttp(): AxiosInstance {
  sharedHttp ??= axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    validateStatus: () => true,
    responseType: "json",
    maxRedirects: 0,
    // Tokens and pages are small; a hard cap protects the function from a runaway answer.
    maxContentLength: 64 * 1024 * 1024,
  });
  return sharedHttp;
}

/** The Spotify Web API client. One per invocation; the token cache outlives it. */
export class SpotifyClient {
  readonly stats: SpotifyRequestStats;
  private readonly credentials: SpotifyCredentials;
  private readonly apiBaseUrl: string;
  private readonly accountsBaseUrl: string;
  private readonly market: string | null;
  private readonly retry: RetryPolicyConfig;
  private readonly tokenCache: AccessTokenCache;
  private readonly runtime: RetryRuntime;
  private readonly http: AxiosInstance;
  private readonly onRefreshTokenRotated: ((token: string) => Promise<void>) | undefined;
  private pendingToken: Promise<string> | undefined;
  private readonly rotatedRefreshTokens: string[] = [];

  constructor(options: SpotifyClientOptions) {
    this.credentials = { ...options.credentials };
    this.apiBaseUrl = trimSlash(options.apiBaseUrl ?? DEFAULT_API_BASE_URL);
    this.accountsBaseUrl = trimSlash(options.accountsBaseUrl ?? DEFAULT_ACCOUNTS_BASE_URL);
    this.market = options.market ?? null;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.tokenCache = options.tokenCache ?? new AccessTokenCache();
    this.stats = options.stats ?? new SpotifyRequestStats();
    this.runtime = { ...REAL_RUNTIME, ...options.runtime };
    this.http = options.http ?? defaultHttp();
    this.onRefreshTokenRotated = options.onRefreshTokenRotated;
  }

  /** Whether tokens act for a user (refresh token) or only for the app (client credentials). */
  get mode(): "user" | "app" {
    return this.credentials.refreshToken ? "user" : "app";
  }

  /**
   * `GET /playlists/{id}?fields=...` ({@link PLAYLIST_FIELDS}): name, snapshot id, owner, the
   * entry count and, when the answer embeds it, the first page of entries.
   *
   * @throws SpotifyApiError when Spotify refuses the request for good (404, 403, retries spent).
   * @throws Error when the answer is not a playlist object.
   */
  async getPlaylist(playlistId: string): Promise<PlaylistMetadata> {
    const what = `playlist ${playlistId}`;
    const body = await this.getJson(
      `${this.apiBaseUrl}/playlists/${encodeURIComponent(playlistId)}`,
      this.withMarket({ fields: PLAYLIST_FIELDS, additional_types: "track,episode" }),
      { endpoint: "playlist", what, playlistId },
    );
    const parsed = parseOrThrow(playlistSchema, body, what);
    const page = parsed.items;
    const total = page?.total ?? parsed.tracks?.total;
    return {
      id: parsed.id,
      name: parsed.name ?? null,
      snapshotId: parsed.snapshot_id ?? null,
      ownerId: parsed.owner?.id ?? null,
      total,
      ...(page?.items && total !== undefined
        ? {
            firstPage: {
              items: page.items,
              total,
              limit: page.limit ?? undefined,
              offset: page.offset ?? undefined,
              next: page.next ?? null,
            },
          }
        : {}),
    };
  }

  /**
   * `GET /playlists/{id}?fields=snapshot_id`: only the snapshot id, without the first page of
   * entries that the full object embeds.
   */
  async getPlaylistSnapshotId(playlistId: string): Promise<string | null> {
    const what = `the snapshot id of playlist ${playlistId}`;
    const body = await this.getJson(
      `${this.apiBaseUrl}/playlists/${encodeURIComponent(playlistId)}`,
      this.withMarket({ fields: "snapshot_id" }),
      { endpoint: "playlist", what, playlistId },
    );
    return parseOrThrow(snapshotIdSchema, body, what).snapshot_id ?? null;
  }

  /** `GET /playlists/{id}/items?limit&offset`: one page, entries untouched. */
  async getPlaylistItemsPage(
    playlistId: string,
    offset: number,
    limit: number = MAX_ITEMS_PAGE_LIMIT,
  ): Promise<PlaylistItemsPage> {
    const what = `items of playlist ${playlistId} (offset ${offset})`;
    const body = await this.getJson(
      `${this.apiBaseUrl}/playlists/${encodeURIComponent(playlistId)}/items`,
      this.withMarket({
        limit: String(limit),
        offset: String(offset),
        additional_types: "track,episode",
      }),
      { endpoint: "items", what, playlistId },
    );
    return toItemsPage(parseOrThrow(itemsPageSchema, body, what));
  }

  /**
   * Values that must never appear in output: the client secret, refresh tokens (the
   * configured one and any rotated ones) and cached access tokens.
   */
  secretValues(): string[] {
    return [
      this.credentials.clientSecret,
      this.credentials.refreshToken,
      ...this.rotatedRefreshTokens,
      ...this.tokenCache.tokens(),
    ].filter((value): value is string => typeof value === "string" && value.length > 0);
  }

  private withMarket(params: Record<string, string>): Record<string, string> {
    return this.market ? { ...params, market: this.market } : params;
  }

  /**
   * The token cache key: accounts service, app, and for user tokens a digest of the refresh
   * token, so a secret switched to another user's token never reuses the previous user's
   * access token.
   */
  private get tokenKey(): string {
    const who = this.credentials.refreshToken
      ? `user:${createHash("sha256").update(this.credentials.refreshToken).digest("hex").slice(0, 32)}`
      : "app";
    return `${this.accountsBaseUrl}|${this.credentials.clientId}|${who}`;
  }

  /** A GET with a Bearer token; a 401 renews the token once. */
  private async getJson(
    url: string,
    params: Record<string, string>,
    context: { endpoint: SpotifyEndpoint; what: string; playlistId?: string | undefined },
  ): Promise<unknown> {
    let token = await this.accessToken();
    return this.withPolicy(
      (timeoutMs) =>
        this.send(
          { method: "GET", url, params, headers: { Authorization: `Bearer ${token}` } },
          timeoutMs,
        ),
      context,
      async () => {
        this.tokenCache.invalidate(this.tokenKey, token);
        token = await this.accessToken();
      },
    );
  }

  private async withPolicy(
    send: (timeoutMs: number) => Promise<AttemptResult<unknown>>,
    context: { endpoint: SpotifyEndpoint; what: string; playlistId?: string | undefined },
    renewToken?: () => Promise<void>,
  ): Promise<unknown> {
    try {
      return await sendWithRetries(send, this.retry, this.runtime, {
        renewToken,
        onRetry: (cause, delayMs) => this.stats.recordRetry(cause, delayMs),
      });
    } catch (error) {
      if (error instanceof RetryGiveUpError) {
        throw new SpotifyApiError(error.problem, {
          ...context,
          retryAfterCapMs: this.retry.retryAfterCapMs,
        });
      }
      throw error;
    }
  }

  /** A valid access token: cached, or new (one request at a time per client). */
  private async accessToken(): Promise<string> {
    const cached = this.tokenCache.get(this.tokenKey, this.runtime.nowMs());
    if (cached) return cached;
    this.pendingToken ??= this.requestToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async requestToken(): Promise<string> {
    const form = new URLSearchParams(
      this.credentials.refreshToken
        ? { grant_type: "refresh_token", refresh_token: this.credentials.refreshToken }
        : { grant_type: "client_credentials" },
    );
    const what = this.credentials.refreshToken
      ? "an access token (refresh_token grant)"
      : "an access token (client_credentials grant)";
    const requestedAtMs = this.runtime.nowMs();
    const body = await this.withPolicy(
      (timeoutMs) =>
        this.send(
          {
            method: "POST",
            url: `${this.accountsBaseUrl}/api/token`,
            data: form.toString(),
            headers: {
              Authorization: appBasicAuthorization(
                this.credentials.clientId,
                this.credentials.clientSecret,
              ),
              "Content-Type": "application/x-www-form-urlencoded",
            },
          },
          timeoutMs,
        ),
      { endpoint: "token", what },
    );
    const parsed = parseOrThrow(tokenResponseSchema, body, "the token response");
    const rotated = parsed.refresh_token;
    if (this.credentials.refreshToken && rotated && rotated !== this.credentials.refreshToken) {
      this.rotatedRefreshTokens.push(this.credentials.refreshToken);
      this.credentials.refreshToken = rotated;
      await this.onRefreshTokenRotated?.(rotated);
    }
    // Cached under the (possibly rotated) refresh token the next invocation will present.
    this.tokenCache.set(
      this.tokenKey,
      parsed.access_token,
      requestedAtMs + parsed.expires_in * 1000,
    );
    return parsed.access_token;
  }

  /** One HTTP attempt; every failure reduced to an {@link AttemptFailure}. */
  private async send(
    request: {
      method: "GET" | "POST";
      url: string;
      params?: Record<string, string>;
      data?: string;
      headers: Record<string, string>;
    },
    timeoutMs: number,
  ): Promise<AttemptResult<unknown>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    this.stats.requests += 1;
    try {
      const response = await this.http.request({
        ...request,
        signal: controller.signal,
        validateStatus: () => true,
        responseType: "json",
      });
      if (response.status >= 200 && response.status < 300)
        return { ok: true, value: response.data };
      return {
        ok: false,
        failure: statusFailure(response.status, response.headers, response.data),
      };
    } catch (error) {
      if (timedOut) return { ok: false, failure: { kind: "timeout", timeoutMs } };
      if (axios.isAxiosError(error)) {
        const code = error.code ?? "ERR_NETWORK";
        // axios attaches the response once its status line came: the body was then cut.
        if (error.response) {
          return {
            ok: false,
            failure: { kind: "network", code, phase: "mid-body", status: error.response.status },
          };
        }
        const phase = CONNECT_ERROR_CODES.has(code) ? "connect" : "no-answer";
        return { ok: false, failure: { kind: "network", code, phase } };
      }
      // Not an HTTP failure (a bug): no request config is attached, rethrow as is.
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Error codes of a connection that never came up (DNS, routing, refused). Others, such as
 * ECONNRESET or EPIPE, come from a connection that was open and then closed without an answer.
 */
const CONNECT_ERROR_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "ETIMEDOUT",
  "ECONNABORTED",
  "ERR_INVALID_URL",
]);

function statusFailure(status: number, headers: unknown, data: unknown): AttemptFailure {
  const retryAfterRaw = (headers as Record<string, unknown> | undefined)?.["retry-after"];
  const failure: AttemptFailure = { kind: "status", status };
  if (typeof retryAfterRaw === "string") failure.retryAfter = retryAfterRaw;
  else if (typeof retryAfterRaw === "number") failure.retryAfter = String(retryAfterRaw);
  if (data && typeof data === "object") {
    const body = data as Record<string, unknown>;
    const error = body.error;
    if (error && typeof error === "object") {
      // Web API: { error: { status, message, reason? } }
      const inner = error as Record<string, unknown>;
      if (typeof inner.message === "string") failure.message = inner.message;
      if (typeof inner.reason === "string") failure.reason = inner.reason;
    } else if (typeof error === "string") {
      // Accounts service: { error: "invalid_grant", error_description: "..." }
      failure.oauthError = error;
      if (typeof body.error_description === "string") failure.message = body.error_description;
    }
    if (typeof body.reason === "string") failure.reason ??= body.reason;
  } else if (typeof data === "string" && data.length > 0 && status !== 404) {
    failure.message = data.slice(0, 200);
  }
  return failure;
}

function toItemsPage(parsed: z.infer<typeof itemsPageSchema>): PlaylistItemsPage {
  return {
    items: parsed.items,
    total: parsed.total,
    limit: parsed.limit,
    offset: parsed.offset,
    next: parsed.next ?? null,
  };
}

function parseOrThrow<T>(schema: z.ZodMiniType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "(root)";
  throw new Error(
    `Spotify returned an unexpected answer for ${what}: ${where}: ${issue?.message ?? "invalid"}`,
  );
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
