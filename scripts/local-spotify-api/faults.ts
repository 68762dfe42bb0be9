/**
 * The local Spotify API's fault injector: rules that match requests (endpoint, playlist,
 * offset) for a number of times, and what each fault does to the answer.
 */
import type http from "node:http";
import { PREMIUM_REQUIRED_MESSAGE } from "../../functions/extract/retry-policy";
import { bearer, sleep } from "./http-io";
import type { FaultRule, LocalFault, RecordedRequest } from "./types";

/** What an applied fault leaves for the route: answer normally, cut the body, or nothing. */
export type FaultOutcome = "continue" | "cut-body" | "answered";

/** What a fault may touch while it is applied. */
export interface FaultTarget {
  req: http.IncomingMessage;
  record: RecordedRequest;
  /** Answers with a JSON body (and headers). */
  finish(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** Replaces the playlist's entries, as an edit by someone else would. */
  editPlaylist(playlistId: string, entries: readonly unknown[]): void;
  /** Drops an access token (it then answers 401). */
  revokeAccessToken(token: string): void;
}

/** Rules, each applied to its next matching requests. */
export class FaultInjector {
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
export async function applyFault(fault: LocalFault, target: FaultTarget): Promise<FaultOutcome> {
  target.record.fault = fault.kind;
  switch (fault.kind) {
    case "slow":
      await sleep(fault.delayMs);
      return "continue";
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
    case "not-found":
      target.finish(404, { error: { status: 404, message: "Resource not found" } });
      return "answered";
    case "forbidden":
      target.finish(403, {
        error: { status: 403, message: fault.message ?? PREMIUM_REQUIRED_MESSAGE },
      });
      return "answered";
  }
}
