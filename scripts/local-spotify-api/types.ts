/** The local Spotify API's public types (shared by the server, its routes and the recordings). */
import type http from "node:http";

/** Default local app credentials (fake; only this server accepts them). */
export const LOCAL_CLIENT_ID = "local-spotify-client-id";
export const LOCAL_CLIENT_SECRET = "local-spotify-client-secret";

/** What a playlist holds; `setPlaylist` replaces it between runs. */
export interface LocalPlaylist {
  name: string;
  /** Entries in playlist order, served as stored except for the payload key (see `payloadKey`). */
  entries: readonly unknown[];
  /** A new one is made on every `setPlaylist` when omitted. */
  snapshotId?: string;
  ownerId?: string;
  /**
   * The key entries carry their payload under: `item` (Spotify since 2026), `track` (older), or
   * `as-recorded` (default: untouched). Entries are re-keyed when served, never changed. The
   * playlist object's page is under `items` unless the key is `track` (then `tracks`).
   */
  payloadKey?: "item" | "track" | "as-recorded";
  /** A `total` to report instead of the real count (models an inconsistent playlist). */
  reportedTotal?: number;
  /** Other fields of the playlist object (description, images, followers...). */
  metadata?: Record<string, unknown>;
  /**
   * Development mode (2026): only a user token, whose user owns or collaborates on it, reads the
   * entries. A client-credentials token gets the playlist object without its page and 403 on
   * `/items`, as from Spotify.
   */
  entriesNeedUser?: boolean;
}

/** What an interceptor may touch while it handles a request. */
export interface InterceptedRequest {
  req: http.IncomingMessage;
  record: RecordedRequest;
  /** Answers with a JSON body (and headers). */
  finish(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** Answers with a body as it is, JSON unless `headers` give another Content-Type. */
  respond(status: number, body: string, headers?: Record<string, string>): void;
  /** Replaces the playlist's entries, as an edit by someone else would. */
  editPlaylist(playlistId: string, entries: readonly unknown[]): void;
  /** Drops an access token (it then answers 401). */
  revokeAccessToken(token: string): void;
}

/** What an interceptor leaves for the route: answer normally, cut the body, or nothing. */
export type InterceptOutcome = "continue" | "cut-body" | "answered";

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  endpoint: "token" | "authorize" | "playlist" | "items" | "unknown";
  playlistId?: string;
  offset?: number;
  limit?: number;
  /** The `market` query parameter, if sent. */
  market?: string;
  /** The `fields` query parameter, if sent (the answer holds only those fields). */
  fields?: string;
  grantType?: string;
  status: number;
  /** Playlist entries the answer carried (the embedded page or the items page). */
  entriesServed?: number;
  /** The fault an interceptor applied, if any. */
  fault?: string;
}

/** Options of `startLocalSpotifyApi`. */
export interface LocalSpotifyApiOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  playlists?: Record<string, LocalPlaylist>;
  /** Delay before every answer, in ms (default 0). */
  latencyMs?: number;
  clientId?: string;
  clientSecret?: string;
  /** Refresh tokens the token endpoint accepts from the start. */
  refreshTokens?: Iterable<string>;
  /** Answer every refresh_token grant with a new refresh token (the old one stops working). */
  rotateRefreshTokens?: boolean;
  /** Lifetime of issued access tokens (default 3600 s, as Spotify). */
  accessTokenTtlSeconds?: number;
  /**
   * Sees each request after it is matched and before it is answered; the tests' fault injector
   * (test/support/local-spotify-api.ts) works through it.
   */
  intercept?: (request: InterceptedRequest) => Promise<InterceptOutcome>;
  /** Largest `limit` the items endpoint serves (default 50, as Spotify). */
  maxPageLimit?: number;
  /** Entries the playlist object embeds as its first page (default 100, as Spotify). */
  embeddedPageLimit?: number;
}

/** A running local Spotify API. */
export interface LocalSpotifyApi {
  /** e.g. `http://127.0.0.1:PORT/v1` (`SPOTIFY_API_BASE_URL`). */
  apiBaseUrl: string;
  /** e.g. `http://127.0.0.1:PORT` (`SPOTIFY_ACCOUNTS_BASE_URL`). */
  accountsBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces a playlist (a new snapshot id unless one is given). */
  setPlaylist(id: string, playlist: LocalPlaylist): void;
  removePlaylist(id: string): void;
  /** The playlist as served now. */
  getPlaylist(id: string): (LocalPlaylist & { snapshotId: string }) | undefined;
  setLatency(ms: number): void;
  /** Every access token issued so far stops working (the next API call gets 401). */
  expireAccessTokens(): void;
  /** A refresh token the token endpoint will accept. */
  addRefreshToken(token: string): void;
  isRefreshTokenValid(token: string): boolean;
  /** A one-time authorization code for `redirectUri`, as if the user had approved the app. */
  issueAuthorizationCode(redirectUri: string, scope?: string): string;
  /** Every access and refresh token issued (to check none leaks into logs). */
  readonly issuedTokens: readonly string[];
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}
