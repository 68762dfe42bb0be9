/**
 * The extract's configuration from its environment and invocation event (docs/DESIGN.md, "Handler
 * configuration"; the optional tuning variables are documented in docs/SPOTIFY.md). Every
 * problem is reported at once, naming the variable.
 */
import { ExtractConfigError } from "./errors";
import { DEFAULT_RETRY_POLICY, type RetryPolicyConfig } from "./retry-policy";
import { DEFAULT_ACCOUNTS_BASE_URL, DEFAULT_API_BASE_URL } from "./spotify-client";
import { DEFAULT_SECRET_CACHE_SECONDS } from "./credentials";

/** Items pages of one playlist fetched at once by default (Spotify punishes bursts). */
export const DEFAULT_PAGE_CONCURRENCY = 2;
/** Largest accepted `SPOTIFY_PAGE_CONCURRENCY`. */
export const MAX_PAGE_CONCURRENCY = 8;
/** Stop starting new work this long before the Lambda deadline, by default. */
export const DEFAULT_DEADLINE_MARGIN_MS = 10_000;

/** Everything the extract handler needs to run. */
export interface ExtractConfig {
  bucket: string;
  /** Playlist references in request order (ids, URIs or links). */
  playlistIds: string[];
  /** Where they came from, for the logs. */
  playlistIdsFrom: "event" | "PLAYLIST_IDS";
  apiBaseUrl: string;
  accountsBaseUrl: string;
  market: string | null;
  secretArn: string | undefined;
  secretCacheSeconds: number;
  pageConcurrency: number;
  deadlineMarginMs: number;
  retry: RetryPolicyConfig;
}

/** The invocation event: empty (the schedule) or `{"playlistIds": [...]}`. */
export interface ExtractEvent {
  playlistIds?: unknown;
  [key: string]: unknown;
}

/** `PLAYLIST_IDS`: comma-separated, blanks ignored. */
export function parsePlaylistIdList(value: string): string[] {
  return value
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

/** Reads and checks the configuration; throws {@link ExtractConfigError} listing every problem. */
export function readExtractConfig(env: NodeJS.ProcessEnv, event: unknown): ExtractConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback: string): string => {
    const raw = text(name) ?? fallback;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
    } catch {
      problems.push(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
    }
    return raw.replace(/\/+$/, "");
  };

  const bucket = text("DATA_BUCKET");
  if (!bucket) problems.push("DATA_BUCKET is required (the data lake bucket name)");

  let playlistIds: string[];
  let playlistIdsFrom: ExtractConfig["playlistIdsFrom"] = "PLAYLIST_IDS";
  const fromEvent = eventPlaylistIds(event, problems);
  if (fromEvent) {
    playlistIds = fromEvent;
    playlistIdsFrom = "event";
  } else {
    playlistIds = parsePlaylistIdList(text("PLAYLIST_IDS") ?? "");
    if (playlistIds.length === 0) {
      problems.push(
        'PLAYLIST_IDS is required (comma-separated playlist ids) unless the event has {"playlistIds": [...]}',
      );
    }
  }

  const market = text("SPOTIFY_MARKET") ?? null;
  if (market !== null && !/^[A-Za-z]{2}$/.test(market)) {
    problems.push(
      `SPOTIFY_MARKET must be a two-letter ISO 3166-1 country code, got ${JSON.stringify(market)}`,
    );
  }

  const retry: RetryPolicyConfig = {
    ...DEFAULT_RETRY_POLICY,
    retryAfterCapMs:
      integer(
        "SPOTIFY_RETRY_AFTER_CAP_SECONDS",
        DEFAULT_RETRY_POLICY.retryAfterCapMs / 1000,
        0,
        900,
      ) * 1000,
    requestTimeoutMs: integer(
      "SPOTIFY_REQUEST_TIMEOUT_MS",
      DEFAULT_RETRY_POLICY.requestTimeoutMs,
      100,
      120_000,
    ),
    maxTransientRetries: integer(
      "SPOTIFY_MAX_RETRIES",
      DEFAULT_RETRY_POLICY.maxTransientRetries,
      0,
      10,
    ),
    backoffBaseMs: integer(
      "SPOTIFY_BACKOFF_BASE_MS",
      DEFAULT_RETRY_POLICY.backoffBaseMs,
      1,
      60_000,
    ),
  };
  retry.backoffMaxMs = Math.max(retry.backoffBaseMs, DEFAULT_RETRY_POLICY.backoffMaxMs);

  const config: ExtractConfig = {
    bucket: bucket ?? "",
    playlistIds,
    playlistIdsFrom,
    apiBaseUrl: url("SPOTIFY_API_BASE_URL", DEFAULT_API_BASE_URL),
    accountsBaseUrl: url("SPOTIFY_ACCOUNTS_BASE_URL", DEFAULT_ACCOUNTS_BASE_URL),
    market: market?.toUpperCase() ?? null,
    secretArn: text("SPOTIFY_SECRET_ARN"),
    secretCacheSeconds: integer(
      "SPOTIFY_SECRET_CACHE_SECONDS",
      DEFAULT_SECRET_CACHE_SECONDS,
      0,
      86_400,
    ),
    pageConcurrency: integer(
      "SPOTIFY_PAGE_CONCURRENCY",
      DEFAULT_PAGE_CONCURRENCY,
      1,
      MAX_PAGE_CONCURRENCY,
    ),
    deadlineMarginMs: integer("EXTRACT_DEADLINE_MARGIN_MS", DEFAULT_DEADLINE_MARGIN_MS, 0, 600_000),
    retry,
  };
  if (problems.length > 0) throw new ExtractConfigError(problems);
  return config;
}

function eventPlaylistIds(event: unknown, problems: string[]): string[] | undefined {
  if (!event || typeof event !== "object" || !("playlistIds" in event)) return undefined;
  const value = (event as ExtractEvent).playlistIds;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((id) => typeof id === "string" && id.trim().length > 0)
  ) {
    problems.push('The event\'s "playlistIds" must be a non-empty array of playlist id strings');
    return undefined;
  }
  return value.map((id: string) => id.trim());
}
