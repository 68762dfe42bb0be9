import { describe, expect, it } from "@jest/globals";
import {
  DEFAULT_RETRY_POLICY,
  PREMIUM_REQUIRED_MESSAGE,
  RetryGiveUpError,
  decideRetry,
  fullJitterBackoffMs,
  initialRetryState,
  parseRetryAfterMs,
  sendWithRetries,
  type AttemptFailure,
  type AttemptResult,
  type RetryPolicyConfig,
  type RetryRuntime,
} from "../../functions/extract/retry-policy";

const CONFIG: RetryPolicyConfig = { ...DEFAULT_RETRY_POLICY, retryAfterCapMs: 30_000 };

/** A runtime whose sleep only records the waits, with a fixed random value. */
function fakeRuntime(overrides: Partial<RetryRuntime> = {}): RetryRuntime & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    nowMs: () => Date.parse("2026-11-22T16:00:00Z"),
    remainingMs: () => Infinity,
    ...overrides,
  };
}

/** `send` answering with the given failures, then `value`. */
function scripted<T>(failures: AttemptFailure[], value: T) {
  const timeouts: number[] = [];
  let call = 0;
  const send = async (timeoutMs: number): Promise<AttemptResult<T>> => {
    timeouts.push(timeoutMs);
    const failure = failures[call++];
    return failure ? { ok: false, failure } : { ok: true, value };
  };
  return { send, timeouts, calls: () => call };
}

const status = (
  code: number,
  extra: Partial<Extract<AttemptFailure, { kind: "status" }>> = {},
): AttemptFailure => ({
  kind: "status",
  status: code,
  ...extra,
});

async function giveUpOf(promise: Promise<unknown>): Promise<RetryGiveUpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RetryGiveUpError) return error;
    throw error;
  }
  throw new Error("expected the request to be given up");
}

describe("parseRetryAfterMs", () => {
  it("reads delay-seconds and HTTP dates, and ignores junk", () => {
    // Prepare
    const now = Date.parse("2026-11-22T16:00:00Z");

    // Act
    const parsed = [
      parseRetryAfterMs("3", now),
      parseRetryAfterMs(" 0 ", now),
      // Not RFC 9110 delay-seconds (an integer), but read as seconds, not as a date (2001, no wait).
      parseRetryAfterMs("1.5", now),
      parseRetryAfterMs("Sun, 22 Nov 2026 16:00:07 GMT", now),
      parseRetryAfterMs("soon", now),
      // Neither form, though V8's Date.parse reads each as a date in 2001 (a 0 ms wait).
      parseRetryAfterMs("-1", now),
      parseRetryAfterMs("+5", now),
      parseRetryAfterMs("1.5.2", now),
      parseRetryAfterMs("May 5", now),
      parseRetryAfterMs("12 May", now),
      parseRetryAfterMs("", now),
      parseRetryAfterMs(undefined, now),
    ];

    // Assess
    expect(parsed).toEqual([3000, 0, 1500, 7000, ...Array(8).fill(undefined)]);
  });
});

describe("fullJitterBackoffMs", () => {
  it("draws uniformly below an exponential ceiling capped at backoffMaxMs", () => {
    // Prepare
    const config = { backoffBaseMs: 500, backoffMaxMs: 8000 };

    // Act
    const ceilings = [0, 1, 2, 3, 4, 5].map((retry) =>
      fullJitterBackoffMs(retry, config, () => 0.999999),
    );
    const lowest = fullJitterBackoffMs(3, config, () => 0);

    // Assess
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 7999]);
    expect(lowest).toBe(0);
  });
});

describe("decideRetry", () => {
  const options = { random: () => 0.5, nowMs: 0, canRenewToken: true };

  it.each([
    ["4", 4000],
    ["30", 30_000], // exactly the cap
  ])("waits exactly the Retry-After %s of a 429 up to the cap", (retryAfter, delayMs) => {
    // Prepare
    const state = { ...initialRetryState(), attempts: 1 };

    // Act
    const decision = decideRetry(status(429, { retryAfter }), state, CONFIG, options);

    // Assess
    expect(decision).toEqual({ action: "retry", cause: "rate-limit", delayMs, renewToken: false });
  });

  it("gives up at once when Retry-After is longer than the cap", () => {
    // Prepare
    const state = { ...initialRetryState(), attempts: 1 };

    // Act
    const decision = decideRetry(status(429, { retryAfter: "31" }), state, CONFIG, options);

    // Assess
    expect(decision).toMatchObject({
      action: "give-up",
      problem: { kind: "retry-after-too-long", retryAfterMs: 31_000 },
    });
  });

  it.each([{ reason: "QUOTA_EXCEEDED" }, { message: "Quota exceeded: QUOTA_EXCEEDED" }])(
    "gives up on QUOTA_EXCEEDED in %j even with a short Retry-After",
    (said) => {
      // Prepare
      const state = { ...initialRetryState(), attempts: 1 };

      // Act
      const decision = decideRetry(
        status(429, { retryAfter: "1", ...said }),
        state,
        CONFIG,
        options,
      );

      // Assess
      expect(decision).toMatchObject({ action: "give-up", problem: { kind: "quota-exceeded" } });
    },
  );

  it("retries one 429 without Retry-After after Spotify's 30 s window (at most the cap), and gives up on the second", () => {
    // Prepare
    const first = { ...initialRetryState(), attempts: 1 };
    const second = {
      ...initialRetryState(),
      attempts: 2,
      rateLimitRetries: 1,
      rateLimitsWithoutHeader: 1,
    };

    // Act
    const firstDecision = decideRetry(status(429), first, CONFIG, options);
    const secondDecision = decideRetry(status(429), second, CONFIG, options);
    const underASmallCap = decideRetry(
      status(429),
      first,
      { ...CONFIG, retryAfterCapMs: 5_000 },
      options,
    );

    // Assess
    expect(firstDecision).toEqual({
      action: "retry",
      cause: "rate-limit",
      delayMs: 30_000,
      renewToken: false,
    });
    expect(underASmallCap).toMatchObject({ action: "retry", delayMs: 5_000 });
    expect(secondDecision).toMatchObject({ action: "give-up", problem: { kind: "rate-limited" } });
  });

  it("stops after maxRateLimitRetries 429s even when each says how long to wait", () => {
    // Prepare
    const state = {
      ...initialRetryState(),
      attempts: 6,
      rateLimitRetries: CONFIG.maxRateLimitRetries,
    };

    // Act
    const decision = decideRetry(status(429, { retryAfter: "1" }), state, CONFIG, options);

    // Assess
    expect(decision).toMatchObject({
      action: "give-up",
      problem: { kind: "rate-limited", retryAfterMs: 1000 },
    });
  });

  it("backs off 5xx, timeouts and connection errors with full jitter until the retries run out", () => {
    // Prepare
    const early = { ...initialRetryState(), attempts: 2, transientRetries: 1 };
    const spent = {
      ...initialRetryState(),
      attempts: 4,
      transientRetries: CONFIG.maxTransientRetries,
    };

    // Act
    const serverError = decideRetry(status(503), early, CONFIG, options);
    const timeout = decideRetry({ kind: "timeout", timeoutMs: 100 }, early, CONFIG, options);
    const reset = decideRetry(
      { kind: "network", code: "ECONNRESET", phase: "no-answer" },
      early,
      CONFIG,
      options,
    );
    const exhausted = [
      decideRetry(status(500), spent, CONFIG, options),
      decideRetry({ kind: "timeout", timeoutMs: 100 }, spent, CONFIG, options),
      decideRetry(
        { kind: "network", code: "ECONNRESET", phase: "no-answer" },
        spent,
        CONFIG,
        options,
      ),
      decideRetry(
        { kind: "network", code: "ERR_BAD_RESPONSE", phase: "mid-body", status: 200 },
        spent,
        CONFIG,
        options,
      ),
      decideRetry(
        { kind: "network", code: "ECONNREFUSED", phase: "connect" },
        spent,
        CONFIG,
        options,
      ),
    ];

    // Assess
    expect(serverError).toEqual({
      action: "retry",
      cause: "server-error",
      delayMs: 500,
      renewToken: false,
    });
    expect(timeout).toEqual({ action: "retry", cause: "network", delayMs: 500, renewToken: false });
    expect(reset).toEqual({ action: "retry", cause: "network", delayMs: 500, renewToken: false });
    expect(exhausted.map((d) => d.action === "give-up" && d.problem.kind)).toEqual([
      "server-error",
      "timeout",
      "connection-lost",
      "connection-lost",
      "network",
    ]);
  });

  it("renews the token once after a 401, then gives up; never for the token endpoint", () => {
    // Prepare
    const first = { ...initialRetryState(), attempts: 1 };
    const second = { ...initialRetryState(), attempts: 2, tokenRenewals: 1 };

    // Act
    const renew = decideRetry(status(401), first, CONFIG, options);
    const again = decideRetry(status(401), second, CONFIG, options);
    const tokenEndpoint = decideRetry(status(401), first, CONFIG, {
      ...options,
      canRenewToken: false,
    });

    // Assess
    expect(renew).toEqual({ action: "retry", cause: "unauthorized", delayMs: 0, renewToken: true });
    expect(again).toMatchObject({ action: "give-up", problem: { kind: "unauthorized" } });
    expect(tokenEndpoint).toMatchObject({ action: "give-up", problem: { kind: "unauthorized" } });
  });

  it("treats 404, 403 and other 4xx as final, telling the Premium lapse apart", () => {
    // Prepare
    const state = { ...initialRetryState(), attempts: 1 };

    // Act
    const kinds = [
      status(404),
      status(403, { message: "Forbidden" }),
      status(403, { message: PREMIUM_REQUIRED_MESSAGE }),
      status(400, { message: "Invalid limit" }),
    ].map((failure) => {
      const decision = decideRetry(failure, state, CONFIG, options);
      return decision.action === "give-up" ? decision.problem.kind : decision.action;
    });

    // Assess
    expect(kinds).toEqual(["not-found", "forbidden", "premium-required", "rejected"]);
  });
});

describe("sendWithRetries", () => {
  it("waits the Retry-After, then returns the value", async () => {
    // Prepare
    const runtime = fakeRuntime();
    const request = scripted([status(429, { retryAfter: "2" })], "page");
    const retries: string[] = [];

    // Act
    const value = await sendWithRetries(request.send, CONFIG, runtime, {
      onRetry: (cause, delayMs) => retries.push(`${cause}:${delayMs}`),
    });

    // Assess
    expect(value).toBe("page");
    expect(runtime.waits).toEqual([2000]);
    expect(retries).toEqual(["rate-limit:2000"]);
    expect(request.calls()).toBe(2);
  });

  it("backs off exponentially with jitter over repeated 5xx, then succeeds", async () => {
    // Prepare
    const runtime = fakeRuntime({ random: () => 0.5 });
    const request = scripted(
      [status(500), status(502), { kind: "network", code: "ECONNRESET", phase: "no-answer" }],
      "ok",
    );

    // Act
    const value = await sendWithRetries(request.send, CONFIG, runtime);

    // Assess
    expect(value).toBe("ok");
    expect(runtime.waits).toEqual([250, 500, 1000]);
  });

  it("gives up after maxTransientRetries with the last failure", async () => {
    // Prepare
    const runtime = fakeRuntime();
    const request = scripted([status(500), status(500), status(500), status(503)], "never");

    // Act
    const error = await giveUpOf(sendWithRetries(request.send, CONFIG, runtime));

    // Assess
    expect(error.problem).toMatchObject({
      kind: "server-error",
      attempts: 4,
      failure: { status: 503 },
    });
    expect(runtime.waits).toHaveLength(3);
  });

  it("gives up on the second 429 without Retry-After", async () => {
    // Prepare
    const runtime = fakeRuntime();
    const request = scripted([status(429), status(429)], "never");

    // Act
    const error = await giveUpOf(sendWithRetries(request.send, CONFIG, runtime));

    // Assess
    expect(error.problem.kind).toBe("rate-limited");
    expect(request.calls()).toBe(2);
    expect(runtime.waits).toHaveLength(1);
  });

  it("renews the token before retrying a 401", async () => {
    // Prepare
    const runtime = fakeRuntime();
    const request = scripted([status(401)], "ok");
    let renewals = 0;

    // Act
    const value = await sendWithRetries(request.send, CONFIG, runtime, {
      renewToken: async () => {
        renewals += 1;
      },
    });

    // Assess
    expect(value).toBe("ok");
    expect(renewals).toBe(1);
    expect(runtime.waits).toEqual([]);
  });

  it.each([1500, 2000])("does not start a 2 s wait with %i ms left", async (remainingMs) => {
    // Prepare
    const runtime = fakeRuntime({ remainingMs: () => remainingMs });
    const request = scripted([status(429, { retryAfter: "2" })], "never");

    // Act
    const error = await giveUpOf(sendWithRetries(request.send, CONFIG, runtime));

    // Assess
    expect(error.problem).toMatchObject({ kind: "deadline", waitMs: 2000, remainingMs });
    expect(runtime.waits).toEqual([]);
  });

  it("shortens the request timeout to the time left, and sends nothing after the deadline", async () => {
    // Prepare
    let remaining = 700;
    const runtime = fakeRuntime({ remainingMs: () => remaining });
    const request = scripted([], "ok");

    // Act
    await sendWithRetries(request.send, CONFIG, runtime);
    remaining = 0;
    const error = await giveUpOf(sendWithRetries(request.send, CONFIG, runtime));

    // Assess
    expect(request.timeouts).toEqual([700]);
    expect(error.problem.kind).toBe("deadline");
    expect(request.calls()).toBe(1);
  });
});
