/**
 * A local Spotify Web API (node:http) for tests, the benchmark and the local mode: the
 * accounts service's token endpoint (client credentials, refresh token with optional rotation,
 * authorization code), `GET /v1/playlists/{id}` and `GET /v1/playlists/{id}/items` with offset
 * paging and `next` links, Bearer token checks, and fault injection (429 with or without
 * Retry-After, QUOTA_EXCEEDED, 5xx, expired tokens, slow answers, 404, 403, dropped
 * connections, answers cut mid-body, and a playlist edited between two requests). Error bodies
 * follow Spotify's shapes.
 *
 * Standalone: `node_modules/.bin/tsx scripts/local-spotify-api/server.ts [--port N]
 * [--latency-ms N]` serves the recorded playlists and prints its URLs.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** Spotify's 403 when a development-mode app's owner has no Premium (since February 2026). */
export const PREMIUM_REQUIRED_MESSAGE =
  "Active premium subscription required for the owner of the app";

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
   * `as-recorded` (default: untouched). Entries are re-keyed when served, never changed.
   */
  payloadKey?: "item" | "track" | "as-recorded";
  /** A `total` to report instead of the real count (models an inconsistent playlist). */
  reportedTotal?: number;
  /** Other fields of the playlist object (description, images, followers...). */
  metadata?: Record<string, unknown>;
}

/** Which requests a fault applies to. */
export interface FaultRule {
  fault: LocalFault;
  /** `api` (default): playlist and items endpoints; `token`: the token endpoint; `any`. */
  endpoint?: "api" | "playlist" | "items" | "token" | "any";
  playlistId?: string;
  /** Only items requests at this offset. */
  offset?: number;
  /** Matching requests it applies to (default 1; `Infinity` for all). */
  times?: number;
}

/** A fault the server can inject. */
export type LocalFault =
  | { kind: "rate-limit"; retryAfterSeconds?: number; reason?: string }
  | { kind: "server-error"; status?: number }
  | { kind: "expired-token" }
  | { kind: "slow"; delayMs: number }
  | { kind: "not-found" }
  | { kind: "forbidden"; message?: string }
  | { kind: "drop-connection" }
  /** The status line, headers (with the full Content-Length) and half the body; then the socket closes. */
  | { kind: "cut-body" }
  /**
   * Someone edits the playlist just before this request is answered: its entries become
   * `entries` (with a new snapshot id), and the request is answered from the edited playlist.
   */
  | { kind: "edit-playlist"; entries: readonly unknown[] };

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
  /** The `fields` query parameter, if sent (the server answers with every field regardless). */
  fields?: string;
  grantType?: string;
  status: number;
  /** The fault applied, if any. */
  fault?: LocalFault["kind"];
}

/** Options of {@link startLocalSpotifyApi}. */
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
  /** Largest `limit` the items endpoint serves (default 50, as Spotify). */
  maxPageLimit?: number;
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
  /** Adds fault rules; each applies to its next matching requests. */
  injectFaults(...rules: FaultRule[]): void;
  clearFaults(): void;
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

interface IssuedToken {
  expiresAtMs: number;
  kind: "app" | "user";
}

interface StoredPlaylist extends LocalPlaylist {
  snapshotId: string;
}

/** Starts the server; resolves once it listens. */
export async function startLocalSpotifyApi(
  options: LocalSpotifyApiOptions = {},
): Promise<LocalSpotifyApi> {
  const clientId = options.clientId ?? LOCAL_CLIENT_ID;
  const clientSecret = options.clientSecret ?? LOCAL_CLIENT_SECRET;
  const ttlSeconds = options.accessTokenTtlSeconds ?? 3600;
  const maxPageLimit = options.maxPageLimit ?? 50;
  let latencyMs = options.latencyMs ?? 0;
  const playlists = new Map<string, StoredPlaylist>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Set<string>(options.refreshTokens ?? []);
  const authorizationCodes = new Map<string, { redirectUri: string; scope: string }>();
  const faults: (FaultRule & { remaining: number })[] = [];
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  let snapshotCounter = 0;
  let baseUrl = "";

  const newToken = (prefix: string): string => {
    const token = `${prefix}-${randomBytes(12).toString("hex")}`;
    issuedTokens.push(token);
    return token;
  };

  const setPlaylist = (id: string, playlist: LocalPlaylist): void => {
    snapshotCounter += 1;
    const snapshotId =
      playlist.snapshotId ??
      Buffer.from(`local:${id}:${snapshotCounter}:${Date.now()}`).toString("base64");
    playlists.set(id, { ...playlist, snapshotId });
  };
  for (const [id, playlist] of Object.entries(options.playlists ?? {})) setPlaylist(id, playlist);

  const takeFault = (request: RecordedRequest): LocalFault | undefined => {
    for (const rule of faults) {
      if (rule.remaining <= 0) continue;
      const endpoint = rule.endpoint ?? "api";
      const endpointMatches =
        endpoint === "any" ||
        endpoint === request.endpoint ||
        (endpoint === "api" && (request.endpoint === "playlist" || request.endpoint === "items"));
      if (!endpointMatches) continue;
      if (rule.playlistId !== undefined && rule.playlistId !== request.playlistId) continue;
      if (rule.offset !== undefined && rule.offset !== request.offset) continue;
      rule.remaining -= 1;
      return rule.fault;
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { status: 500, message: String(error) } });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      endpoint: "unknown",
      status: 0,
    };
    const market = url.searchParams.get("market");
    if (market !== null) record.market = market;
    const fields = url.searchParams.get("fields");
    if (fields !== null) record.fields = fields;
    requests.push(record);
    const body = await readBody(req);
    let cutBody = false;
    const respond = (status: number, text: string, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (cutBody) sendCut(res, status, text, headers);
      else sendRaw(res, status, text, headers);
    };
    const finish = (status: number, payload: unknown, headers: Record<string, string> = {}): void =>
      respond(status, JSON.stringify(payload), headers);

    const itemsMatch = /^\/v1\/playlists\/([^/]+)\/items\/?$/.exec(url.pathname);
    const playlistMatch = /^\/v1\/playlists\/([^/]+)\/?$/.exec(url.pathname);
    if (url.pathname === "/api/token" && req.method === "POST") record.endpoint = "token";
    else if (url.pathname === "/authorize" && req.method === "GET") record.endpoint = "authorize";
    else if (itemsMatch && req.method === "GET") {
      record.endpoint = "items";
      record.playlistId = decodeURIComponent(itemsMatch[1] ?? "");
      record.offset = intParam(url, "offset", 0);
      record.limit = intParam(url, "limit", 20);
    } else if (playlistMatch && req.method === "GET") {
      record.endpoint = "playlist";
      record.playlistId = decodeURIComponent(playlistMatch[1] ?? "");
    }

    if (latencyMs > 0) await sleep(latencyMs);
    const fault = takeFault(record);
    if (fault) {
      record.fault = fault.kind;
      switch (fault.kind) {
        case "slow":
          await sleep(fault.delayMs);
          break;
        case "drop-connection":
          record.status = -1;
          req.socket.destroy();
          return;
        case "cut-body":
          cutBody = true;
          break;
        case "edit-playlist": {
          const current = playlists.get(record.playlistId ?? "");
          if (current) {
            setPlaylist(record.playlistId ?? "", {
              ...current,
              entries: fault.entries,
              snapshotId: undefined,
            });
          }
          break;
        }
        case "rate-limit": {
          const headers: Record<string, string> =
            fault.retryAfterSeconds === undefined
              ? {}
              : { "Retry-After": String(fault.retryAfterSeconds) };
          const error: Record<string, unknown> = {
            status: 429,
            message: "API rate limit exceeded",
          };
          if (fault.reason) error.reason = fault.reason;
          return finish(429, { error }, headers);
        }
        case "server-error": {
          const status = fault.status ?? 500;
          return finish(status, {
            error: { status, message: status === 503 ? "Service unavailable" : "Server error" },
          });
        }
        case "expired-token": {
          const token = bearer(req);
          if (token) accessTokens.delete(token);
          return finish(401, { error: { status: 401, message: "The access token expired" } });
        }
        case "not-found":
          return finish(404, { error: { status: 404, message: "Resource not found" } });
        case "forbidden":
          return finish(403, {
            error: { status: 403, message: fault.message ?? PREMIUM_REQUIRED_MESSAGE },
          });
      }
    }

    switch (record.endpoint) {
      case "token":
        return tokenEndpoint(req, body, record, finish);
      case "authorize":
        return authorize(url, record, res);
      case "playlist":
      case "items": {
        const token = bearer(req);
        const issued = token ? accessTokens.get(token) : undefined;
        if (!token || !issued) {
          return finish(401, {
            error: { status: 401, message: token ? "Invalid access token" : "No token provided" },
          });
        }
        if (issued.expiresAtMs <= Date.now()) {
          return finish(401, { error: { status: 401, message: "The access token expired" } });
        }
        const playlist = playlists.get(record.playlistId ?? "");
        if (!playlist)
          return finish(404, { error: { status: 404, message: "Resource not found" } });
        if (record.endpoint === "playlist")
          return finish(200, playlistObject(record.playlistId ?? "", playlist));
        const limit = record.limit ?? 20;
        const offset = record.offset ?? 0;
        if (limit < 1 || limit > maxPageLimit || offset < 0) {
          return finish(400, {
            error: { status: 400, message: `Invalid limit or offset (limit 1-${maxPageLimit})` },
          });
        }
        respond(
          200,
          itemsPageBody(
            record.playlistId ?? "",
            playlist,
            offset,
            limit,
            url.searchParams.get("market"),
          ),
        );
        return;
      }
      default:
        return finish(404, { error: { status: 404, message: "Service not found" } });
    }
  }

  function tokenEndpoint(
    req: http.IncomingMessage,
    body: string,
    record: RecordedRequest,
    finish: (status: number, payload: unknown) => void,
  ): void {
    const form = new URLSearchParams(body);
    record.grantType = form.get("grant_type") ?? undefined;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, "base64").toString("utf8").split(/:(.*)/s)
      : [form.get("client_id"), form.get("client_secret")];
    if (id !== clientId || secret !== clientSecret) {
      return finish(400, { error: "invalid_client", error_description: "Invalid client" });
    }
    const accessToken = (kind: "app" | "user"): string => {
      const token = newToken("local-access");
      accessTokens.set(token, { kind, expiresAtMs: Date.now() + ttlSeconds * 1000 });
      return token;
    };
    switch (record.grantType) {
      case "client_credentials":
        return finish(200, {
          access_token: accessToken("app"),
          token_type: "Bearer",
          expires_in: ttlSeconds,
        });
      case "refresh_token": {
        const presented = form.get("refresh_token") ?? "";
        if (!refreshTokens.has(presented)) {
          return finish(400, {
            error: "invalid_grant",
            error_description: "Invalid refresh token",
          });
        }
        const answer: Record<string, unknown> = {
          access_token: accessToken("user"),
          token_type: "Bearer",
          expires_in: ttlSeconds,
          scope: "playlist-read-private playlist-read-collaborative",
        };
        if (options.rotateRefreshTokens) {
          refreshTokens.delete(presented);
          const rotated = newToken("local-refresh");
          refreshTokens.add(rotated);
          answer.refresh_token = rotated;
        }
        return finish(200, answer);
      }
      case "authorization_code": {
        const code = form.get("code") ?? "";
        const grant = authorizationCodes.get(code);
        if (!grant || grant.redirectUri !== form.get("redirect_uri")) {
          return finish(400, {
            error: "invalid_grant",
            error_description: grant ? "Invalid redirect URI" : "Invalid authorization code",
          });
        }
        authorizationCodes.delete(code);
        const refreshToken = newToken("local-refresh");
        refreshTokens.add(refreshToken);
        return finish(200, {
          access_token: accessToken("user"),
          token_type: "Bearer",
          expires_in: ttlSeconds,
          refresh_token: refreshToken,
          scope: grant.scope,
        });
      }
      default:
        return finish(400, {
          error: "unsupported_grant_type",
          error_description: `grant_type must be client_credentials, refresh_token or authorization_code`,
        });
    }
  }

  /** Auto-approves: redirects straight back with a code, as if the user had clicked "Agree". */
  function authorize(url: URL, record: RecordedRequest, res: http.ServerResponse): void {
    const redirectUri = url.searchParams.get("redirect_uri") ?? "";
    if (
      url.searchParams.get("client_id") !== clientId ||
      url.searchParams.get("response_type") !== "code" ||
      !redirectUri
    ) {
      record.status = 400;
      sendJson(res, 400, {
        error: "invalid_request",
        error_description: "client_id, response_type=code and redirect_uri are required",
      });
      return;
    }
    const target = new URL(redirectUri);
    target.searchParams.set(
      "code",
      issueAuthorizationCode(redirectUri, url.searchParams.get("scope") ?? ""),
    );
    const state = url.searchParams.get("state");
    if (state !== null) target.searchParams.set("state", state);
    record.status = 302;
    res.writeHead(302, { Location: target.toString(), "Content-Length": "0" });
    res.end();
  }

  function issueAuthorizationCode(redirectUri: string, scope = ""): string {
    const code = `local-code-${randomBytes(12).toString("hex")}`;
    authorizationCodes.set(code, { redirectUri, scope });
    return code;
  }

  function playlistObject(id: string, playlist: StoredPlaylist): Record<string, unknown> {
    const itemsKey = payloadKeyOf(playlist) === "track" ? "tracks" : "items";
    const ownerId = playlist.ownerId ?? "local-owner";
    return {
      collaborative: false,
      description: "",
      followers: { href: null, total: 0 },
      images: [],
      primary_color: null,
      public: true,
      ...playlist.metadata,
      external_urls: { spotify: `https://open.spotify.com/playlist/${id}` },
      href: `${baseUrl}/v1/playlists/${id}`,
      id,
      name: playlist.name,
      owner: {
        display_name: ownerId,
        external_urls: { spotify: `https://open.spotify.com/user/${ownerId}` },
        href: `${baseUrl}/v1/users/${ownerId}`,
        id: ownerId,
        type: "user",
        uri: `spotify:user:${ownerId}`,
      },
      snapshot_id: playlist.snapshotId,
      // Like Spotify's answer, a reference to the items with their count (this server does not
      // embed the first page: the extract reads pages from the items endpoint).
      [itemsKey]: {
        href: `${baseUrl}/v1/playlists/${id}/items`,
        total: playlist.reportedTotal ?? playlist.entries.length,
      },
      type: "playlist",
      uri: `spotify:playlist:${id}`,
    };
  }

  function itemsPageBody(
    id: string,
    playlist: StoredPlaylist,
    offset: number,
    limit: number,
    market: string | null,
  ): string {
    const total = playlist.reportedTotal ?? playlist.entries.length;
    const slice = playlist.entries.slice(offset, offset + limit);
    const key = payloadKeyOf(playlist);
    const link = (at: number): string => {
      const params = new URLSearchParams({ offset: String(at), limit: String(limit) });
      if (market) params.set("market", market);
      return JSON.stringify(`${baseUrl}/v1/playlists/${id}/items?${params.toString()}`);
    };
    const end = offset + slice.length;
    const hasNext = end < playlist.entries.length && slice.length > 0;
    // Built from cached per-entry JSON: a 10,000-entry playlist is served without re-encoding.
    return (
      `{"href":${link(offset)},"items":[${slice.map((entry) => entryJson(entry, key)).join(",")}],` +
      `"limit":${limit},"next":${hasNext ? link(end) : "null"},"offset":${offset},` +
      `"previous":${offset > 0 ? link(Math.max(0, offset - limit)) : "null"},"total":${total}}`
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  return {
    apiBaseUrl: `${baseUrl}/v1`,
    accountsBaseUrl: baseUrl,
    clientId,
    clientSecret,
    setPlaylist,
    removePlaylist: (id) => void playlists.delete(id),
    getPlaylist: (id) => playlists.get(id),
    injectFaults: (...rules) => {
      for (const rule of rules) faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    clearFaults: () => void faults.splice(0),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    expireAccessTokens: () => {
      for (const token of accessTokens.values()) token.expiresAtMs = 0;
    },
    addRefreshToken: (token) => void refreshTokens.add(token),
    isRefreshTokenValid: (token) => refreshTokens.has(token),
    issueAuthorizationCode,
    issuedTokens,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function payloadKeyOf(playlist: LocalPlaylist): "item" | "track" | "as-recorded" {
  return playlist.payloadKey ?? "as-recorded";
}

const entryJsonCache = new WeakMap<object, Map<string, string>>();

/** An entry's JSON with its payload under `key` (other keys, and their order, unchanged). */
function entryJson(entry: unknown, key: "item" | "track" | "as-recorded"): string {
  if (entry === null || typeof entry !== "object") return JSON.stringify(entry ?? null);
  let byKey = entryJsonCache.get(entry);
  if (!byKey) {
    byKey = new Map();
    entryJsonCache.set(entry, byKey);
  }
  let json = byKey.get(key);
  if (json === undefined) {
    json = JSON.stringify(
      key === "as-recorded" ? entry : rekey(entry as Record<string, unknown>, key),
    );
    byKey.set(key, json);
  }
  return json;
}

function rekey(entry: Record<string, unknown>, key: "item" | "track"): Record<string, unknown> {
  const other = key === "item" ? "track" : "item";
  if (!(other in entry)) return entry;
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k === other ? key : k, v]));
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  return Number.isInteger(value) ? value : -1;
}

function bearer(req: http.IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(payload), headers);
}

function sendRaw(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** Sends the head with the full length and half the body, then closes the connection. */
function sendCut(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(bytes.length),
    ...headers,
  });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8900" },
      "latency-ms": { type: "string", default: "0" },
      "rotate-refresh-tokens": { type: "boolean", default: false },
    },
  });
  const { recordedPlaylists } = await import("./recordings");
  const api = await startLocalSpotifyApi({
    port: Number(values.port),
    latencyMs: Number(values["latency-ms"]),
    playlists: recordedPlaylists(),
    rotateRefreshTokens: values["rotate-refresh-tokens"],
  });
  console.log(`Local Spotify API listening
  SPOTIFY_API_BASE_URL=${api.apiBaseUrl}
  SPOTIFY_ACCOUNTS_BASE_URL=${api.accountsBaseUrl}
  SPOTIFY_CLIENT_ID=${api.clientId}
  SPOTIFY_CLIENT_SECRET=${api.clientSecret}
  playlists: ${Object.keys(recordedPlaylists()).join(", ")}
Ctrl-C stops it.`);
  const stop = () => void api.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await main();
}
