/**
 * The local Spotify API (scripts/local-spotify-api/) as the tests start it: with a fault
 * injector, rules that match requests (endpoint, playlist, offset) for a number of times, and
 * what each fault does to the answer. Only tests inject faults, so the injector lives here and
 * reaches the server through its `intercept` hook.
 */
import { PREMIUM_REQUIRED_MESSAGE } from "../../functions/extract/retry-policy";
import { bearer } from "../../scripts/local-spotify-api/http-io";
import {
  startLocalSpotifyApi as startServer,
  type InterceptedRequest,
  type InterceptOutcome,
  type LocalSpotifyApi as Server,
  type LocalSpotifyApiOptions,
  type RecordedRequest,
} from "../../scripts/local-spotify-api/server";

/** What Spotify answers, as plain text, while the app owner's Premium has lapsed (2026). */
export const PREMIUM_LAPSE_BODY =
  `${PREMIUM_REQUIRED_MESSAGE}. When the subscription status changes, it can take a few hours ` +
  "before requests are allowed again.";

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
  /** Answers with `status` and the JSON `body`, whatever the request. */
  | { kind: "answer"; status: number; body: unknown }
  | { kind: "drop-connection" }
  /** The status line, headers (with the full Content-Length) and half the body; then the socket closes. */
  | { kind: "cut-body" }
  /**
   * Someone edits the playlist just before this request is answered: its entries become
   * `entries` (with a new snapshot id), and the request is answered from the edited playlist.
   */
  | { kind: "edit-playlist"; entries: readonly unknown[] };

/** A running local Spotify API that faults can be injected into. */
export interface LocalSpotifyApi extends Server {
  /** Adds fault rules; each applies to its next matching requests. */
  injectFaults(...rules: FaultRule[]): void;
  clearFaults(): void;
}

/** Starts the local Spotify API with a fault injector; resolves once it listens. */
export async function startLocalSpotifyApi(
  options: Omit<LocalSpotifyApiOptions, "intercept"> = {},
): Promise<LocalSpotifyApi> {
  const faults = new FaultInjector();
  const server = await startServer({
    ...options,
    intercept: async (request) => {
      const fault = faults.take(request.record);
      return fault ? applyFault(fault, request) : "continue";
    },
  });
  return {
    ...server,
    injectFaults: (...rules) => faults.add(rules),
    clearFaults: () => faults.clear(),
  };
}

/** Rules, each applied to its next matching requests. */
class FaultInjector {
  private readonly rules: (FaultRule & { remaining: number })[] = [];

  add(rules: readonly FaultRule[]): void {
    for (const rule of rules) this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules.splice(0);
  }

  /** The first rule matching `request` with uses left (one use taken), if any. */
  take(request: RecordedRequest): LocalFault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule, request)) continue;
      rule.remaining -= 1;
      return rule.fault;
    }
    return undefined;
  }
}

function matches(rule: FaultRule, request: RecordedRequest): boolean {
  const endpoint = rule.endpoint ?? "api";
  const endpointMatches =
    endpoint === "any" ||
    endpoint === request.endpoint ||
    (endpoint === "api" && (request.endpoint === "playlist" || request.endpoint === "items"));
  return (
    endpointMatches &&
    (rule.playlistId === undefined || rule.playlistId === request.playlistId) &&
    (rule.offset === undefined || rule.offset === request.offset)
  );
}

/** Applies `fault` to the request; error bodies follow Spotify's shapes. */
async function applyFault(
  fault: LocalFault,
  target: InterceptedRequest,
): Promise<InterceptOutcome> {
  target.record.fault = fault.kind;
  switch (fault.kind) {
    case "slow": {
      // Waits out the delay, or less once the client gave up: no timer outlives its test.
      const socket = target.req.socket;
      let onClose = () => {};
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.delayMs);
        onClose = () => (clearTimeout(timer), resolve());
        socket.once("close", onClose);
      });
      socket.off("close", onClose);
      return "continue";
    }
    case "drop-connection":
      target.record.status = -1;
      target.req.socket.destroy();
      return "answered";
    case "cut-body":
      return "cut-body";
    case "edit-playlist":
      target.editPlaylist(target.record.playlistId ?? "", fault.entries);
      return "continue";
    case "rate-limit": {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { "Retry-After": String(fault.retryAfterSeconds) };
      const error: Record<string, unknown> = { status: 429, message: "API rate limit exceeded" };
      if (fault.reason) error.reason = fault.reason;
      target.finish(429, { error }, headers);
      return "answered";
    }
    case "server-error": {
      const status = fault.status ?? 500;
      target.finish(status, {
        error: { status, message: status === 503 ? "Service unavailable" : "Server error" },
      });
      return "answered";
    }
    case "expired-token": {
      const token = bearer(target.req);
      if (token) target.revokeAccessToken(token);
      target.finish(401, { error: { status: 401, message: "The access token expired" } });
      return "answered";
    }
    case "answer":
      target.finish(fault.status, fault.body);
      return "answered";
    case "not-found":
      target.finish(404, { error: { status: 404, message: "Resource not found" } });
      return "answered";
    case "forbidden":
      if (fault.message !== undefined) {
        target.finish(403, { error: { status: 403, message: fault.message } });
      } else {
        // Spotify's Premium-lapse answer is plain text, not its JSON error shape.
        target.respond(403, PREMIUM_LAPSE_BODY, { "Content-Type": "text/plain; charset=utf-8" });
      }
      return "answered";
  }
}
