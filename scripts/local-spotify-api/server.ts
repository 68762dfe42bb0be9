/**
 * A local Spotify Web API (node:http) for tests, the benchmark and the local mode: the
 * accounts service's token endpoint (client credentials, refresh token with optional rotation,
 * authorization code), `GET /v1/playlists/{id}` (with its first page embedded, as Spotify) and
 * `GET /v1/playlists/{id}/items` with offset paging and `next` links, both honouring `fields`,
 * Bearer token checks, and an `intercept` hook (the tests inject faults through it:
 * test/support/local-spotify-api.ts). The endpoints are in routes.ts. Error bodies follow
 * Spotify's shapes.
 *
 * Standalone: `node_modules/.bin/tsx scripts/local-spotify-api/server.ts [--port N]
 * [--latency-ms N]` serves the recorded playlists and prints its URLs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { readBody, sendCut, sendRaw, sleep } from "./http-io";
import { recordedPlaylists } from "./recordings";
import { ROUTES, issueAuthorizationCode, type ApiState, type RouteContext } from "./routes";
import {
  LOCAL_CLIENT_ID,
  LOCAL_CLIENT_SECRET,
  type LocalPlaylist,
  type LocalSpotifyApi,
  type LocalSpotifyApiOptions,
  type RecordedRequest,
} from "./types";

export * from "./types";

/** Starts the server; resolves once it listens. */
export async function startLocalSpotifyApi(
  options: LocalSpotifyApiOptions = {},
): Promise<LocalSpotifyApi> {
  const state: ApiState = {
    baseUrl: "",
    clientId: options.clientId ?? LOCAL_CLIENT_ID,
    clientSecret: options.clientSecret ?? LOCAL_CLIENT_SECRET,
    ttlSeconds: options.accessTokenTtlSeconds ?? 3600,
    maxPageLimit: options.maxPageLimit ?? 50,
    embeddedPageLimit: options.embeddedPageLimit ?? 100,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    playlists: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Set(options.refreshTokens ?? []),
    authorizationCodes: new Map(),
    issuedTokens: [],
  };
  const requests: RecordedRequest[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let snapshotCounter = 0;

  const setPlaylist = (id: string, playlist: LocalPlaylist): void => {
    snapshotCounter += 1;
    const snapshotId =
      playlist.snapshotId ??
      Buffer.from(`local:${id}:${snapshotCounter}:${Date.now()}`).toString("base64");
    state.playlists.set(id, { ...playlist, snapshotId });
  };
  for (const [id, playlist] of Object.entries(options.playlists ?? {})) setPlaylist(id, playlist);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", state.baseUrl);
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
    const respond = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      if (cutBody) sendCut(res, status, text, headers);
      else sendRaw(res, status, text, headers);
    };
    const finish = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      respond(status, JSON.stringify(payload), headers);

    let route: (typeof ROUTES)[number] | undefined;
    for (const candidate of ROUTES) {
      const match = req.method === candidate.method ? candidate.pattern.exec(url.pathname) : null;
      if (!match) continue;
      route = candidate;
      record.endpoint = candidate.endpoint;
      candidate.describe?.(match, url, record);
      break;
    }

    if (latencyMs > 0) await sleep(latencyMs);
    if (options.intercept) {
      const outcome = await options.intercept({
        req,
        record,
        finish,
        respond,
        editPlaylist: (id, entries) => {
          const current = state.playlists.get(id);
          if (current) setPlaylist(id, { ...current, entries, snapshotId: undefined });
        },
        revokeAccessToken: (token) => void state.accessTokens.delete(token),
      });
      if (outcome === "answered") return;
      cutBody = outcome === "cut-body";
    }
    if (!route) return finish(404, { error: { status: 404, message: "Service not found" } });
    const context: RouteContext = { req, res, url, body, record, state, respond, finish };
    route.handle(context);
  }

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendRaw(res, 500, JSON.stringify({ error: { status: 500, message: String(error) } }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  state.baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  return {
    apiBaseUrl: `${state.baseUrl}/v1`,
    accountsBaseUrl: state.baseUrl,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    setPlaylist,
    removePlaylist: (id) => void state.playlists.delete(id),
    getPlaylist: (id) => state.playlists.get(id),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    expireAccessTokens: () => {
      for (const token of state.accessTokens.values()) token.expiresAtMs = 0;
    },
    addRefreshToken: (token) => void state.refreshTokens.add(token),
    isRefreshTokenValid: (token) => state.refreshTokens.has(token),
    issueAuthorizationCode: (redirectUri, scope) =>
      issueAuthorizationCode(state, redirectUri, scope),
    issuedTokens: state.issuedTokens,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8900" },
      "latency-ms": { type: "string", default: "0" },
      "rotate-refresh-tokens": { type: "boolean", default: false },
    },
  });
  const playlists = recordedPlaylists();
  const api = await startLocalSpotifyApi({
    port: Number(values.port),
    latencyMs: Number(values["latency-ms"]),
    playlists,
    rotateRefreshTokens: values["rotate-refresh-tokens"],
  });
  console.log(`Local Spotify API listening
  SPOTIFY_API_BASE_URL=${api.apiBaseUrl}
  SPOTIFY_ACCOUNTS_BASE_URL=${api.accountsBaseUrl}
  SPOTIFY_CLIENT_ID=${api.clientId}
  SPOTIFY_CLIENT_SECRET=${api.clientSecret}
  playlists: ${Object.keys(playlists).join(", ")}
Ctrl-C stops it.`);
  const stop = () => void api.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await main();
}
