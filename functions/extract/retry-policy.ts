/**
 * Every retry rule of the extract in one place (docs/DESIGN.md, "Extract semantics"):
 * - 429 honours `Retry-After` up to a cap; a longer wait, `reason: QUOTA_EXCEEDED`, too many
 *   429s, or a second 429 without the header ends the request with an error that says so;
 * - 5xx, timeouts and connection errors retry with exponential backoff and full jitter;
 * - a 401 gets one new access token and one retry;
 * - no wait is started that would end after the run's deadline.
 * The decisions are pure ({@link decideRetry}); {@link sendWithRetries} runs them with an
 * injectable sleep, random source and deadline, so tests never wait for real backoff.
 */

/** Tunable limits of the retry policy. */
export interface RetryPolicyConfig {
  /** Longest `Retry-After` the extract waits; a longer one ends the request at once. */
  retryAfterCapMs: number;
  /** Retries of one request after 429s (with or without `Retry-After`). */
  maxRateLimitRetries: number;
  /** Retries of one request after 5xx answers, timeouts and connection errors. */
  maxTransientRetries: number;
  /** First backoff ceiling; the ceiling doubles with every retry. */
  backoffBaseMs: number;
  /** Largest backoff ceiling. */
  backoffMaxMs: number;
  /** Time one HTTP request may take, headers and body, before it counts as timed out. */
  requestTimeoutMs: number;
}

/** The defaults the handler uses when no tuning variable is set (docs/SPOTIFY.md). */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicyConfig> = Object.freeze({
  retryAfterCapMs: 30_000,
  maxRateLimitRetries: 5,
  maxTransientRetries: 3,
  backoffBaseMs: 500,
  backoffMaxMs: 8_000,
  requestTimeoutMs: 10_000,
});

/** Spotify's answer to an app whose development-mode owner no longer has Premium (2026). */
export const PREMIUM_REQUIRED_MESSAGE =
  "Active premium subscription required for the owner of the app";

/** The rolling window over which Spotify counts an app's requests (Web API, "Rate limits"). */
const RATE_LIMIT_WINDOW_MS = 30_000;

/** The `reason` Spotify gives on a 429 when the app's quota, not a burst, is the problem. */
export const QUOTA_EXCEEDED_REASON = "QUOTA_EXCEEDED";

/** How one HTTP attempt failed, reduced to what the policy needs (never headers or bodies). */
export type AttemptFailure =
  | {
      kind: "status";
      status: number;
      /** The raw `Retry-After` header, if any. */
      retryAfter?: string;
      /** `error.reason` from Spotify's error body, if any. */
      reason?: string;
      /** `error.message` (Web API) or `error_description` (accounts service), if any. */
      message?: string;
      /** OAuth `error` code from the accounts service (`invalid_grant`...), if any. */
      oauthError?: string;
    }
  | { kind: "timeout"; timeoutMs: number }
  | {
      kind: "network";
      /** The error code (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `ERR_BAD_RESPONSE`...). */
      code: string;
      /**
       * How far the attempt got: `connect` (no connection: DNS, routing, refused), `no-answer`
       * (connected, closed before an answer), or `mid-body` (the answer's status came, then the
       * connection broke while its body arrived). Each means something else to an operator.
       */
      phase: NetworkFailurePhase;
      /** For `mid-body`: the status of the answer that was cut. */
      status?: number;
    };

/** See the `phase` of a network {@link AttemptFailure}. */
export type NetworkFailurePhase = "connect" | "no-answer" | "mid-body";

/** Why a retry happened; each has its own metric. */
export type RetryCause = "rate-limit" | "server-error" | "network" | "unauthorized";

/** Why a request was given up; {@link describeProblem} says what each usually means. */
export type ProblemKind =
  | "retry-after-too-long"
  | "quota-exceeded"
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "network"
  | "connection-lost"
  | "unauthorized"
  | "premium-required"
  | "forbidden"
  | "not-found"
  | "rejected"
  | "deadline";

/** A request that will not be retried: what happened, for the error message. */
export interface Problem {
  kind: ProblemKind;
  /** The last failure, when the problem comes from an answer or a connection error. */
  failure?: AttemptFailure;
  /** Parsed `Retry-After` in milliseconds, for rate-limit problems. */
  retryAfterMs?: number;
  /** Attempts made, the failed one included. */
  attempts: number;
  /** For `deadline`: the wait that did not fit and the time that was left. */
  waitMs?: number;
  remainingMs?: number;
}

/** What happened so far to one request. */
export interface RetryState {
  attempts: number;
  rateLimitRetries: number;
  rateLimitsWithoutHeader: number;
  transientRetries: number;
  tokenRenewals: number;
}

/** What to do after a failed attempt. */
export type RetryDecision =
  | { action: "retry"; cause: RetryCause; delayMs: number; renewToken: boolean }
  | { action: "give-up"; problem: Problem };

/** A fresh state for a request about to be sent. */
export function initialRetryState(): RetryState {
  return {
    attempts: 0,
    rateLimitRetries: 0,
    rateLimitsWithoutHeader: 0,
    transientRetries: 0,
    tokenRenewals: 0,
  };
}

/**
 * Parses `Retry-After` (delay-seconds, or an HTTP date) into milliseconds; undefined when the
 * header is missing or unreadable, which the policy treats as "no header".
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Every HTTP date form holds a time of day; V8's Date.parse reads "-1" or "May 5" as 2001.
  if (!/\b\d{2}:\d{2}:\d{2}\b/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * "Full jitter" backoff: a uniformly random wait between 0 and the exponential ceiling
 * `min(max, base * 2^retry)`, so that many clients retrying at once spread out.
 */
export function fullJitterBackoffMs(
  retryIndex: number,
  config: Pick<RetryPolicyConfig, "backoffBaseMs" | "backoffMaxMs">,
  random: () => number,
): number {
  const ceiling = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/**
 * Decides what follows a failed attempt. `state` says what happened before this failure
 * (`attempts` counts this one). Token renewal is only offered when `canRenewToken` is true
 * (not for the token endpoint itself).
 */
export function decideRetry(
  failure: AttemptFailure,
  state: RetryState,
  config: RetryPolicyConfig,
  options: { random: () => number; nowMs: number; canRenewToken: boolean },
): RetryDecision {
  const giveUp = (kind: ProblemKind, extra: Partial<Problem> = {}): RetryDecision => ({
    action: "give-up",
    problem: { kind, failure, attempts: state.attempts, ...extra },
  });
  const transient = (cause: RetryCause, kind: ProblemKind): RetryDecision =>
    state.transientRetries < config.maxTransientRetries
      ? {
          action: "retry",
          cause,
          delayMs: fullJitterBackoffMs(state.transientRetries, config, options.random),
          renewToken: false,
        }
      : giveUp(kind);

  if (failure.kind === "timeout") return transient("network", "timeout");
  if (failure.kind === "network") {
    return transient("network", failure.phase === "connect" ? "network" : "connection-lost");
  }

  const { status } = failure;
  if (status === 429) {
    if (isQuotaExceeded(failure)) return giveUp("quota-exceeded");
    const retryAfterMs = parseRetryAfterMs(failure.retryAfter, options.nowMs);
    if (retryAfterMs !== undefined && retryAfterMs > config.retryAfterCapMs) {
      return giveUp("retry-after-too-long", { retryAfterMs });
    }
    if (state.rateLimitRetries >= config.maxRateLimitRetries) {
      return giveUp("rate-limited", retryAfterMs === undefined ? {} : { retryAfterMs });
    }
    if (retryAfterMs === undefined) {
      // One 429 without the header may be a glitch; a second one means Spotify will not say
      // when to come back, and hammering it would only extend the block. Spotify counts requests
      // over a rolling 30 s window, so the one retry waits that out (at most the cap).
      if (state.rateLimitsWithoutHeader >= 1) return giveUp("rate-limited");
      return {
        action: "retry",
        cause: "rate-limit",
        delayMs: Math.min(RATE_LIMIT_WINDOW_MS, config.retryAfterCapMs),
        renewToken: false,
      };
    }
    return { action: "retry", cause: "rate-limit", delayMs: retryAfterMs, renewToken: false };
  }
  if (status === 401) {
    if (options.canRenewToken && state.tokenRenewals < 1) {
      return { action: "retry", cause: "unauthorized", delayMs: 0, renewToken: true };
    }
    return giveUp("unauthorized");
  }
  if (status === 403) {
    return giveUp(isPremiumRequired(failure) ? "premium-required" : "forbidden");
  }
  if (status === 404) return giveUp("not-found");
  if (status >= 500 && status <= 599) return transient("server-error", "server-error");
  return giveUp("rejected");
}

function isQuotaExceeded(failure: { reason?: string; message?: string }): boolean {
  return (
    failure.reason?.toUpperCase() === QUOTA_EXCEEDED_REASON ||
    (failure.message ?? "").toUpperCase().includes(QUOTA_EXCEEDED_REASON)
  );
}

function isPremiumRequired(failure: { message?: string }): boolean {
  return (failure.message ?? "").toLowerCase().includes("premium");
}

/** The result of one attempt: a value, or a failure for the policy to judge. */
export type AttemptResult<T> = { ok: true; value: T } | { ok: false; failure: AttemptFailure };

/** Clock, sleep, randomness and deadline, injectable so tests never wait. */
export interface RetryRuntime {
  sleep(ms: number): Promise<void>;
  random(): number;
  nowMs(): number;
  /** Milliseconds before the run must stop starting work; `Infinity` when unbounded. */
  remainingMs(): number;
}

/** The real clock, `setTimeout` sleep and `Math.random`, with no deadline. */
export const REAL_RUNTIME: RetryRuntime = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  nowMs: Date.now,
  remainingMs: () => Infinity,
};

/** Thrown when the policy gives a request up. */
export class RetryGiveUpError extends Error {
  constructor(readonly problem: Problem) {
    super(`request given up: ${problem.kind}`);
    this.name = "RetryGiveUpError";
  }
}

/** Hooks {@link sendWithRetries} calls; all optional. */
export interface RetryHooks {
  /** Called before a retry that needs a new access token. */
  renewToken?(): Promise<void>;
  /** Called for every retry about to happen, with its wait. */
  onRetry?(cause: RetryCause, delayMs: number): void;
}

/**
 * Sends a request until it succeeds or the policy gives up (then throws
 * {@link RetryGiveUpError}). `send` gets the time the attempt may take: the request timeout,
 * shortened to what is left before the deadline.
 */
export async function sendWithRetries<T>(
  send: (timeoutMs: number) => Promise<AttemptResult<T>>,
  config: RetryPolicyConfig,
  runtime: RetryRuntime,
  hooks: RetryHooks = {},
): Promise<T> {
  const state = initialRetryState();
  for (;;) {
    const remaining = runtime.remainingMs();
    if (remaining <= 0) {
      throw new RetryGiveUpError({
        kind: "deadline",
        attempts: state.attempts,
        waitMs: 0,
        remainingMs: 0,
      });
    }
    state.attempts += 1;
    const result = await send(Math.max(1, Math.min(config.requestTimeoutMs, remaining)));
    if (result.ok) return result.value;

    const decision = decideRetry(result.failure, state, config, {
      random: runtime.random,
      nowMs: runtime.nowMs(),
      canRenewToken: hooks.renewToken !== undefined,
    });
    if (decision.action === "give-up") throw new RetryGiveUpError(decision.problem);

    const left = runtime.remainingMs();
    if (decision.delayMs >= left) {
      throw new RetryGiveUpError({
        kind: "deadline",
        failure: result.failure,
        attempts: state.attempts,
        waitMs: decision.delayMs,
        remainingMs: Math.max(0, left),
      });
    }
    switch (decision.cause) {
      case "rate-limit":
        state.rateLimitRetries += 1;
        if (
          result.failure.kind === "status" &&
          parseRetryAfterMs(result.failure.retryAfter, 0) === undefined
        ) {
          state.rateLimitsWithoutHeader += 1;
        }
        break;
      case "unauthorized":
        state.tokenRenewals += 1;
        break;
      default:
        state.transientRetries += 1;
    }
    hooks.onRetry?.(decision.cause, decision.delayMs);
    if (decision.renewToken) await hooks.renewToken?.();
    if (decision.delayMs > 0) await runtime.sleep(decision.delayMs);
  }
}
