/**
 * The local Spotify API's endpoints: a route table, one handler per endpoint. The server
 * (server.ts) matches a request to a route, records it, applies faults, then calls the handler.
 */
import { randomBytes } from "node:crypto";
import type http from "node:http";
import { applyFields, parseFields } from "./fields";
import { bearer, intParam } from "./http-io";
import type { LocalPlaylist, RecordedRequest } from "./types";

/** A playlist as stored, with its snapshot id. */
export interface StoredPlaylist extends LocalPlaylist {
  snapshotId: string;
}

/** The server's state the handlers read and change. */
export interface ApiState {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  maxPageLimit: number;
  embeddedPageLimit: number;
  rotateRefreshTokens: boolean;
  playlists: Map<string, StoredPlaylist>;
  accessTokens: Map<string, { expiresAtMs: number; kind: "app" | "user" }>;
  refreshTokens: Set<string>;
  authorizationCodes: Map<string, { redirectUri: string; scope: string }>;
  issuedTokens: string[];
}

/** One request as a handler sees it. */
export interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  body: string;
  record: RecordedRequest;
  state: ApiState;
  /** Answers with a text body (cut mid-body when a `cut-body` fault applies). */
  respond(status: number, text: string, headers?: Record<string, string>): void;
  finish(status: number, payload: unknown, headers?: Record<string, string>): void;
}

/** An endpoint: which requests it takes, what it records, and its handler. */
export interface Route {
  method: string;
  pattern: RegExp;
  endpoint: RecordedRequest["endpoint"];
  /** Fills the record from the path match and query (before faults are matched). */
  describe?(match: RegExpExecArray, url: URL, record: RecordedRequest): void;
  handle(context: RouteContext): void;
}

/** Every endpoint the local API serves. */
export const ROUTES: readonly Route[] = [
  { method: "POST", pattern: /^\/api\/token$/, endpoint: "token", handle: tokenEndpoint },
  { method: "GET", pattern: /^\/authorize$/, endpoint: "authorize", handle: authorize },
  {
    method: "GET",
    pattern: /^\/v1\/playlists\/([^/]+)\/items\/?$/,
    endpoint: "items",
    describe: (match, url, record) => {
      record.playlistId = decodeURIComponent(match[1] ?? "");
      record.offset = intParam(url, "offset", 0);
      record.limit = intParam(url, "limit", 20);
    },
    handle: (context) => withPlaylist(context, itemsPage),
  },
  {
    method: "GET",
    pattern: /^\/v1\/playlists\/([^/]+)\/?$/,
    endpoint: "playlist",
    describe: (match, _url, record) => {
      record.playlistId = decodeURIComponent(match[1] ?? "");
    },
    handle: (context) => withPlaylist(context, playlistObject),
  },
];

/** A new token, remembered so tests can check that none leaks. */
function newToken(state: ApiState, prefix: string): string {
  const token = `${prefix}-${randomBytes(12).toString("hex")}`;
  state.issuedTokens.push(token);
  return token;
}

/** A one-time authorization code for `redirectUri`. */
export function issueAuthorizationCode(state: ApiState, redirectUri: string, scope = ""): string {
  const code = `local-code-${randomBytes(12).toString("hex")}`;
  state.authorizationCodes.set(code, { redirectUri, scope });
  return code;
}

function tokenEndpoint({ req, body, record, state, finish }: RouteContext): void {
  const form = new URLSearchParams(body);
  record.grantType = form.get("grant_type") ?? undefined;
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const [id, secret] = basic
    ? Buffer.from(basic, "base64").toString("utf8").split(/:(.*)/s)
    : [form.get("client_id"), form.get("client_secret")];
  if (id !== state.clientId || secret !== state.clientSecret) {
    return finish(400, { error: "invalid_client", error_description: "Invalid client" });
  }
  const accessToken = (kind: "app" | "user"): string => {
    const token = newToken(state, "local-access");
    state.accessTokens.set(token, { kind, expiresAtMs: Date.now() + state.ttlSeconds * 1000 });
    return token;
  };
  const answer = (kind: "app" | "user", extra: Record<string, unknown> = {}) =>
    finish(200, {
      access_token: accessToken(kind),
      token_type: "Bearer",
      expires_in: state.ttlSeconds,
      ...extra,
    });
  switch (record.grantType) {
    case "client_credentials":
      return answer("app");
    case "refresh_token": {
      const presented = form.get("refresh_token") ?? "";
      if (!state.refreshTokens.has(presented)) {
        return finish(400, { error: "invalid_grant", error_description: "Invalid refresh token" });
      }
      const extra: Record<string, unknown> = {
        scope: "playlist-read-private playlist-read-collaborative",
      };
      if (state.rotateRefreshTokens) {
        state.refreshTokens.delete(presented);
        const rotated = newToken(state, "local-refresh");
        state.refreshTokens.add(rotated);
        extra.refresh_token = rotated;
      }
      return answer("user", extra);
    }
    case "authorization_code": {
      const code = form.get("code") ?? "";
      const grant = state.authorizationCodes.get(code);
      if (!grant || grant.redirectUri !== form.get("redirect_uri")) {
        return finish(400, {
          error: "invalid_grant",
          error_description: grant ? "Invalid redirect URI" : "Invalid authorization code",
        });
      }
      state.authorizationCodes.delete(code);
      const refreshToken = newToken(state, "local-refresh");
      state.refreshTokens.add(refreshToken);
      return answer("user", { refresh_token: refreshToken, scope: grant.scope });
    }
    default:
      return finish(400, {
        error: "unsupported_grant_type",
        error_description: `grant_type must be client_credentials, refresh_token or authorization_code`,
      });
  }
}

/** Auto-approves: redirects straight back with a code, as if the user had clicked "Agree". */
function authorize({ url, record, res, state, finish }: RouteContext): void {
  const redirectUri = url.searchParams.get("redirect_uri") ?? "";
  if (
    url.searchParams.get("client_id") !== state.clientId ||
    url.searchParams.get("response_type") !== "code" ||
    !redirectUri
  ) {
    return finish(400, {
      error: "invalid_request",
      error_description: "client_id, response_type=code and redirect_uri are required",
    });
  }
  const target = new URL(redirectUri);
  const scope = url.searchParams.get("scope") ?? "";
  target.searchParams.set("code", issueAuthorizationCode(state, redirectUri, scope));
  const stateParam = url.searchParams.get("state");
  if (stateParam !== null) target.searchParams.set("state", stateParam);
  record.status = 302;
  res.writeHead(302, { Location: target.toString(), "Content-Length": "0" });
  res.end();
}

/**
 * Checks the Bearer token and finds the playlist, then lets `serve` answer, telling it whether
 * the token may read the entries (see `entriesNeedUser`).
 */
function withPlaylist(
  context: RouteContext,
  serve: (context: RouteContext, id: string, playlist: StoredPlaylist, entries: boolean) => void,
): void {
  const { req, record, state, finish } = context;
  const token = bearer(req);
  const issued = token ? state.accessTokens.get(token) : undefined;
  if (!token || !issued) {
    return finish(401, {
      error: { status: 401, message: token ? "Invalid access token" : "No token provided" },
    });
  }
  if (issued.expiresAtMs <= Date.now()) {
    return finish(401, { error: { status: 401, message: "The access token expired" } });
  }
  const id = record.playlistId ?? "";
  const playlist = state.playlists.get(id);
  if (!playlist) return finish(404, { error: { status: 404, message: "Resource not found" } });
  serve(context, id, playlist, issued.kind === "user" || !playlist.entriesNeedUser);
}

/**
 * `GET /v1/playlists/{id}`: the playlist object with its first page embedded (up to
 * `embeddedPageLimit` entries, as Spotify; no page without `entries`), reduced to `fields`.
 */
function playlistObject(
  context: RouteContext,
  id: string,
  playlist: StoredPlaylist,
  entries: boolean,
): void {
  const { state, url, record, finish } = context;
  const pageKey = payloadKeyOf(playlist) === "track" ? "tracks" : "items";
  const ownerId = playlist.ownerId ?? "local-owner";
  const full: Record<string, unknown> = {
    collaborative: false,
    description: "",
    followers: { href: null, total: 0 },
    images: [],
    primary_color: null,
    public: true,
    ...playlist.metadata,
    external_urls: { spotify: `https://open.spotify.com/playlist/${id}` },
    href: `${state.baseUrl}/v1/playlists/${id}`,
    id,
    name: playlist.name,
    owner: {
      display_name: ownerId,
      external_urls: { spotify: `https://open.spotify.com/user/${ownerId}` },
      href: `${state.baseUrl}/v1/users/${ownerId}`,
      id: ownerId,
      type: "user",
      uri: `spotify:user:${ownerId}`,
    },
    snapshot_id: playlist.snapshotId,
    ...(entries && {
      [pageKey]: JSON.parse(pageJson(state, id, playlist, 0, state.embeddedPageLimit, url)),
    }),
    type: "playlist",
    uri: `spotify:playlist:${id}`,
  };
  const answer = filtered(context, full);
  if (answer === undefined) return;
  const page = (answer as Record<string, unknown>)[pageKey] as { items?: unknown } | undefined;
  record.entriesServed = Array.isArray(page?.items) ? page.items.length : 0;
  finish(200, answer);
}

/** `GET /v1/playlists/{id}/items?offset&limit`: one page, reduced to `fields` when given. */
function itemsPage(
  context: RouteContext,
  id: string,
  playlist: StoredPlaylist,
  entries: boolean,
): void {
  const { state, url, record, respond, finish } = context;
  if (!entries) return finish(403, { error: { status: 403, message: "Forbidden" } });
  const limit = record.limit ?? 20;
  const offset = record.offset ?? 0;
  if (limit < 1 || limit > state.maxPageLimit || offset < 0) {
    return finish(400, {
      error: { status: 400, message: `Invalid limit or offset (limit 1-${state.maxPageLimit})` },
    });
  }
  const json = pageJson(state, id, playlist, offset, limit, url);
  if (url.searchParams.get("fields") === null) {
    record.entriesServed = Math.max(0, Math.min(limit, playlist.entries.length - offset));
    return respond(200, json);
  }
  const answer = filtered(context, JSON.parse(json));
  if (answer === undefined) return;
  const items = (answer as { items?: unknown }).items;
  record.entriesServed = Array.isArray(items) ? items.length : 0;
  finish(200, answer);
}

/** The answer reduced to the request's `fields`; undefined once a 400 was sent for bad syntax. */
function filtered(context: RouteContext, full: unknown): unknown {
  const fields = context.url.searchParams.get("fields");
  if (fields === null) return full;
  try {
    return applyFields(full, parseFields(fields));
  } catch (error) {
    context.finish(400, { error: { status: 400, message: (error as Error).message } });
    return undefined;
  }
}

/** A page's JSON, built from cached per-entry JSON (a 10,000-entry playlist is cheap to serve). */
function pageJson(
  state: ApiState,
  id: string,
  playlist: StoredPlaylist,
  offset: number,
  limit: number,
  url: URL,
): string {
  const total = playlist.reportedTotal ?? playlist.entries.length;
  const slice = playlist.entries.slice(offset, offset + limit);
  const key = payloadKeyOf(playlist);
  const market = url.searchParams.get("market");
  const link = (at: number): string => {
    const params = new URLSearchParams({ offset: String(at), limit: String(limit) });
    if (market) params.set("market", market);
    return JSON.stringify(`${state.baseUrl}/v1/playlists/${id}/items?${params.toString()}`);
  };
  const end = offset + slice.length;
  const hasNext = end < playlist.entries.length && slice.length > 0;
  return (
    `{"href":${link(offset)},"items":[${slice.map((entry) => entryJson(entry, key)).join(",")}],` +
    `"limit":${limit},"next":${hasNext ? link(end) : "null"},"offset":${offset},` +
    `"previous":${offset > 0 ? link(Math.max(0, offset - limit)) : "null"},"total":${total}}`
  );
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
