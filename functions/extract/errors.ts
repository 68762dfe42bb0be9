/**
 * The extract's errors, each with `retryable` (whether the next run can succeed without a
 * change by someone), and the messages for Spotify's answers: what an answer usually means
 * under Spotify's 2024-2026 rules and what to do about it. Messages hold ids, statuses, keys,
 * variable names and Spotify's own error text; never a credential, token or header.
 */
import { PipelineError } from "../shared/errors";
import {
  PREMIUM_REQUIRED_MESSAGE,
  QUOTA_EXCEEDED_REASON,
  type Problem,
  type ProblemKind,
} from "./retry-policy";

/** How the ids of Spotify's own editorial and algorithmic playlists start. */
export const EDITORIAL_ID_PREFIX = "37i9dQZ";

/** Whether `playlistId` is one of Spotify's editorial playlists (hidden from new apps). */
export function isEditorialPlaylistId(playlistId: string): boolean {
  return playlistId.startsWith(EDITORIAL_ID_PREFIX);
}

/** Which Spotify endpoint a request went to. */
export type SpotifyEndpoint = "token" | "playlist" | "items" | "other";

/** What a failed request was for, to name it in the message. */
export interface RequestContext {
  endpoint: SpotifyEndpoint;
  /** Human description, e.g. `items of playlist 37i9... (offset 50)`. */
  what: string;
  playlistId?: string;
  /** The Retry-After cap in force, to quote it. */
  retryAfterCapMs: number;
}

/**
 * Base of the extract's own errors: `retryable` says whether the next run may succeed as is
 * (a 5xx, the network, an edit while reading); false: someone must act.
 */
export class ExtractError extends PipelineError {
  override name = "ExtractError";
}

/** Problem kinds of Spotify's answers that the next run may not meet again. */
const TRANSIENT_PROBLEMS: ReadonlySet<ProblemKind> = new Set([
  "server-error",
  "timeout",
  "network",
  "connection-lost",
  "rate-limited",
  "retry-after-too-long",
  // The quota is counted per window and resets by itself: a later run may succeed.
  "quota-exceeded",
  "deadline",
]);

/** Playlist problem kinds that the next run may not meet again. */
const TRANSIENT_PLAYLIST_PROBLEMS: ReadonlySet<string> = new Set([
  "changed-while-reading",
  "count-mismatch",
  "write-failed",
  "deadline",
]);

/** A credentials problem: the message says which keys or variables are wrong. */
export class CredentialsError extends ExtractError {
  override name = "CredentialsError";
  constructor(message: string) {
    super(message, { retryable: false });
  }
}

/** A configuration problem; the message lists every one. */
export class ExtractConfigError extends ExtractError {
  override name = "ExtractConfigError";
  constructor(readonly problems: string[]) {
    super(`Extract configuration is invalid: ${problems.join("; ")}`, { retryable: false });
  }
}

/** A playlist that cannot be snapshotted, with the reason (no secret in it). */
export class PlaylistExtractError extends ExtractError {
  override name = "PlaylistExtractError";
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message, { retryable: TRANSIENT_PLAYLIST_PROBLEMS.has(kind) });
  }
}

/** The invocation failed for at least one playlist (or could not store a rotated token). */
export class ExtractFailedError extends ExtractError {
  override name = "ExtractFailedError";
  constructor(
    message: string,
    readonly failedPlaylistIds: string[],
    retryable: boolean,
  ) {
    super(message, { retryable });
  }
}

/** A Spotify request that failed for good (after the retry policy gave up). */
export class SpotifyApiError extends ExtractError {
  override name = "SpotifyApiError";
  readonly kind: ProblemKind;
  readonly status: number | undefined;
  readonly endpoint: SpotifyEndpoint;
  readonly playlistId: string | undefined;

  constructor(problem: Problem, context: RequestContext) {
    super(describeProblem(problem, context), { retryable: TRANSIENT_PROBLEMS.has(problem.kind) });
    this.kind = problem.kind;
    this.status = problem.failure?.kind === "status" ? problem.failure.status : undefined;
    this.endpoint = context.endpoint;
    this.playlistId = context.playlistId;
  }
}

const MAX_QUOTED = 200;

function quoted(text: string | undefined): string {
  if (!text) return "";
  const clean = text.replace(/\s+/g, " ").trim();
  return ` ("${clean.length > MAX_QUOTED ? `${clean.slice(0, MAX_QUOTED)}...` : clean}")`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The message for a given-up request: what happened, what it usually means, what to do. */
export function describeProblem(problem: Problem, context: RequestContext): string {
  const { what } = context;
  const failure = problem.failure;
  const status = failure?.kind === "status" ? failure.status : undefined;
  const spotifySaid = failure?.kind === "status" ? quoted(failure.message) : "";
  const tries = `${problem.attempts} attempt${problem.attempts === 1 ? "" : "s"}`;

  switch (problem.kind) {
    case "retry-after-too-long":
      return (
        `Spotify rate-limited ${what} (429) and asked to wait ${seconds(problem.retryAfterMs ?? 0)} ` +
        `(Retry-After), more than the ${seconds(context.retryAfterCapMs)} cap ` +
        `(SPOTIFY_RETRY_AFTER_CAP_SECONDS); gave up at once instead of waiting. A long Retry-After ` +
        `usually means the app is blocked for a while: run again later, and keep ` +
        `SPOTIFY_PAGE_CONCURRENCY low.`
      );
    case "quota-exceeded":
      return (
        `Spotify answered 429 with reason ${QUOTA_EXCEEDED_REASON} for ${what}${spotifySaid}: the ` +
        `developer account has used up its request quota (shared by every app of the account since ` +
        `July 2026), so retrying cannot help until Spotify resets it. Read fewer or smaller ` +
        `playlists, or spread the runs of other apps of the account. Extended quota mode is only ` +
        `granted to organisations (since May 2025), not to individuals.`
      );
    case "rate-limited": {
      const noHeader = problem.retryAfterMs === undefined ? " without a Retry-After header" : "";
      return (
        `Spotify kept answering 429 Too Many Requests${noHeader} for ${what} (${tries}); gave up ` +
        `rather than prolong the block. Run again later, with SPOTIFY_PAGE_CONCURRENCY=1.`
      );
    }
    case "server-error":
      return (
        `Spotify answered ${status ?? "5xx"} for ${what}${spotifySaid} on every one of ${tries} ` +
        `(exponential backoff between them). This is on Spotify's side; the next run tries again.`
      );
    case "timeout":
      return (
        `${capitalized(what)} timed out (${tries}, the last one after ` +
        `${failure?.kind === "timeout" ? failure.timeoutMs : "?"} ms; SPOTIFY_REQUEST_TIMEOUT_MS). ` +
        `Spotify or the network is slow; the next run tries again.`
      );
    case "network":
      return (
        `Could not reach Spotify for ${what} (${failure?.kind === "network" ? failure.code : "network error"}, ` +
        `${tries}). Check the function's network access (NAT, DNS) and SPOTIFY_API_BASE_URL / ` +
        `SPOTIFY_ACCOUNTS_BASE_URL.`
      );
    case "connection-lost": {
      const code = failure?.kind === "network" ? failure.code : "network error";
      if (failure?.kind === "network" && failure.phase === "mid-body") {
        return (
          `Spotify's answer to ${what} was cut off mid-body: status ${failure.status ?? "?"} came, ` +
          `then the connection broke before the body was complete (${code}, ${tries}). Spotify was ` +
          `reached; the connection (Spotify's side, a proxy or the network) dropped while the ` +
          `answer was arriving. Nothing partial was written; the next run tries again.`
        );
      }
      return (
        `The connection to Spotify for ${what} was closed before any answer came (${code}, ` +
        `${tries}). Spotify was reached, so this is not DNS or NAT: the connection was dropped ` +
        `(Spotify's side, a proxy or the network); the next run tries again.`
      );
    }
    case "unauthorized":
      if (context.endpoint === "token") return describeTokenRejection(failure, spotifySaid);
      return (
        `Spotify answered 401 Unauthorized for ${what}${spotifySaid} even with a freshly issued ` +
        `access token. The app's credentials or the user's authorization were probably revoked; ` +
        `run \`make spotify-login\` again if you use a refresh token.`
      );
    case "premium-required":
      return (
        `Spotify answered 403 for ${what}${spotifySaid || ` ("${PREMIUM_REQUIRED_MESSAGE}")`}. ` +
        `Since February 2026 a development-mode app only works while the Spotify account that ` +
        `owns the app has an active Premium subscription; it resumes by itself once Premium is ` +
        `renewed, which Spotify says can take a few hours.`
      );
    case "forbidden":
      // A 403 to a token request (a proxy or WAF in front of it) is about no playlist.
      if (context.endpoint === "token") return describeTokenRejection(failure, spotifySaid);
      return (
        `Spotify answered 403 Forbidden for ${what}${spotifySaid}. Since February 2026 (March 9, ` +
        `2026 for older apps) a development-mode app may read the items only of playlists owned ` +
        `by, or collaborated on by, the user who authorized it: use a refresh token from ` +
        `\`make spotify-login\` signed in as that user (a client-credentials token acts for no ` +
        `user). That user must also be on the app's allowlist (developer dashboard, Users ` +
        `Management; at most 5 users in development mode), and the app's owner needs Premium.`
      );
    case "not-found":
      if (context.playlistId && isEditorialPlaylistId(context.playlistId)) {
        return (
          `Spotify answered 404 Not Found for ${what}${spotifySaid}. Its id starts with ` +
          `${EDITORIAL_ID_PREFIX}: a Spotify editorial or algorithmic playlist (such as "Top 50 - ` +
          `Global"), which Spotify hides from apps created since November 27, 2024 and from ` +
          `development-mode apps, as if it did not exist. For a daily chart, download the chart ` +
          `files from charts.spotify.com and load them with \`make import-charts\` (docs/SPOTIFY.md, ` +
          `"Daily charts"); remove this id from playlist_ids (PLAYLIST_IDS).`
        );
      }
      return (
        `Spotify answered 404 Not Found for ${what}${spotifySaid}. Check the playlist id, and that ` +
        `the playlist still exists. For Spotify's own charts (ids starting ${EDITORIAL_ID_PREFIX}), ` +
        `which new apps cannot read, use chart files with \`make import-charts\`.`
      );
    case "rejected":
      if (context.endpoint === "token") return describeTokenRejection(failure, spotifySaid);
      return `Spotify answered ${status ?? "an error"} for ${what}${spotifySaid}; not retried.`;
    case "deadline":
      return problem.waitMs
        ? `Stopped ${what}: the next retry would wait ${problem.waitMs} ms but only ` +
            `${problem.remainingMs ?? 0} ms are left before the Lambda deadline (minus ` +
            `EXTRACT_DEADLINE_MARGIN_MS).`
        : `Stopped ${what}: no time left before the Lambda deadline (minus EXTRACT_DEADLINE_MARGIN_MS).`;
  }
}

function describeTokenRejection(failure: Problem["failure"], spotifySaid: string): string {
  const oauthError = failure?.kind === "status" ? failure.oauthError : undefined;
  const status = failure?.kind === "status" ? failure.status : "an error";
  if (oauthError === "invalid_grant") {
    return (
      `Spotify's accounts service rejected the refresh token (invalid_grant${spotifySaid}): it ` +
      `expired, was revoked, or was replaced by a rotated one that was not stored. Since June 18, ` +
      `2026 (July 20 for apps created before) Spotify expires every refresh token six months ` +
      `after the login that issued it, however often it is used (the RefreshTokenAgeDays ` +
      `metric counts the days). Run ` +
      `\`make spotify-login\` again to get a new refresh token.`
    );
  }
  if (oauthError === "invalid_client" || status === 401) {
    return (
      `Spotify's accounts service rejected the app credentials (${oauthError ?? status}${spotifySaid}). ` +
      `Check client_id and client_secret in the Spotify secret (or SPOTIFY_CLIENT_ID / ` +
      `SPOTIFY_CLIENT_SECRET) against the app's dashboard.`
    );
  }
  return `Spotify's accounts service answered ${status} (${oauthError ?? "no error code"}${spotifySaid}) to a token request.`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
