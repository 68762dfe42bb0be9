import { afterAll, afterEach, describe, expect, it } from "@jest/globals";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { readExtractConfig } from "../../functions/extract/config";
import {
  EnvironmentCredentialSource,
  SecretsManagerCredentialSource,
  parseSecretJson,
  refreshTokenAgeDays,
} from "../../functions/extract/credentials";
import { CredentialsError } from "../../functions/extract/errors";
import { rejectionOf } from "../support/helpers";

describe("readExtractConfig", () => {
  it("applies the documented defaults", () => {
    // Prepare
    const env = { DATA_BUCKET: "lake", PLAYLIST_IDS: " a1, b2 ,," };

    // Act
    const config = readExtractConfig(env, undefined);

    // Assess
    expect(config).toEqual({
      bucket: "lake",
      playlistIds: ["a1", "b2"],
      playlistIdsFrom: "PLAYLIST_IDS",
      apiBaseUrl: "https://api.spotify.com/v1",
      accountsBaseUrl: "https://accounts.spotify.com",
      market: null,
      secretArn: undefined,
      secretCacheSeconds: 300,
      pageConcurrency: 2,
      deadlineMarginMs: 10_000,
      retry: {
        retryAfterCapMs: 30_000,
        maxRateLimitRetries: 5,
        maxTransientRetries: 3,
        backoffBaseMs: 500,
        backoffMaxMs: 8_000,
        requestTimeoutMs: 10_000,
      },
    });
  });

  it("reads every tuning variable and lets the event override the playlists", () => {
    // Prepare
    const env = {
      DATA_BUCKET: "lake",
      PLAYLIST_IDS: "ignored",
      SPOTIFY_API_BASE_URL: "http://127.0.0.1:9000/v1/",
      SPOTIFY_ACCOUNTS_BASE_URL: "http://127.0.0.1:9000",
      SPOTIFY_MARKET: "de",
      SPOTIFY_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:1:secret:s",
      SPOTIFY_SECRET_CACHE_SECONDS: "60",
      SPOTIFY_PAGE_CONCURRENCY: "4",
      SPOTIFY_RETRY_AFTER_CAP_SECONDS: "12",
      SPOTIFY_REQUEST_TIMEOUT_MS: "2500",
      SPOTIFY_MAX_RETRIES: "5",
      SPOTIFY_BACKOFF_BASE_MS: "100",
      EXTRACT_DEADLINE_MARGIN_MS: "20000",
    };

    // Act
    const config = readExtractConfig(env, { playlistIds: ["x1", " y2 "] });

    // Assess
    expect(config).toMatchObject({
      playlistIds: ["x1", "y2"],
      playlistIdsFrom: "event",
      apiBaseUrl: "http://127.0.0.1:9000/v1",
      market: "DE",
      secretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:s",
      secretCacheSeconds: 60,
      pageConcurrency: 4,
      deadlineMarginMs: 20_000,
      retry: {
        retryAfterCapMs: 12_000,
        requestTimeoutMs: 2500,
        maxTransientRetries: 5,
        backoffBaseMs: 100,
      },
    });
  });

  it("lists every problem at once", () => {
    // Prepare
    const env = {
      SPOTIFY_MARKET: "Sweden",
      SPOTIFY_API_BASE_URL: "ftp://x",
      SPOTIFY_REQUEST_TIMEOUT_MS: "fast",
    };

    // Act
    const act = () => readExtractConfig(env, {});

    // Assess
    expect(act).toThrow(
      /DATA_BUCKET is required.*PLAYLIST_IDS is required.*SPOTIFY_MARKET must be a two-letter.*SPOTIFY_REQUEST_TIMEOUT_MS must be an integer.*SPOTIFY_API_BASE_URL must be an http\(s\) URL/,
    );
  });
});

describe("credentials", () => {
  const secretsManager = mockClient(SecretsManagerClient);
  afterEach(() => {
    secretsManager.reset();
  });
  afterAll(() => secretsManager.restore());

  it("names missing keys of the secret without echoing its value", () => {
    // Prepare
    const text = JSON.stringify({
      client_id: "id",
      client_secret: "",
      refresh_token: "r-very-secret",
    });

    // Act
    const act = () => parseSecretJson(text, "arn:secret");

    // Assess
    expect(act).toThrow("The Spotify secret arn:secret lacks client_secret (non-empty strings).");
    expect(() => parseSecretJson("r-very-secret{", "arn:secret")).toThrow(
      /^The Spotify secret arn:secret is not JSON/,
    );
    expect(() => parseSecretJson("r-very-secret{", "arn:secret")).not.toThrow(/r-very-secret/);
  });

  it("reads authorized_at with the refresh token and refuses one that is not an ISO time", () => {
    // Prepare
    const secret = (extra: Record<string, unknown>) =>
      JSON.stringify({ client_id: "id", client_secret: "s", refresh_token: " r-1 ", ...extra });

    // Act
    const withTime = parseSecretJson(secret({ authorized_at: "2026-06-01T10:00:00+02:00" }), "a");
    const appOnly = parseSecretJson(
      JSON.stringify({
        client_id: "id",
        client_secret: "s",
        authorized_at: "2026-06-01T08:00:00Z",
      }),
      "a",
    );
    const bad = () => parseSecretJson(secret({ authorized_at: "June 1st" }), "arn:secret");
    const badToken = () => parseSecretJson(secret({ refresh_token: 7 }), "arn:secret");

    // Assess
    expect(withTime).toEqual({
      clientId: "id",
      clientSecret: "s",
      refreshToken: "r-1",
      authorizedAt: new Date("2026-06-01T08:00:00Z"),
    });
    expect(appOnly).toEqual({ clientId: "id", clientSecret: "s" });
    expect(bad).toThrow(
      "The Spotify secret arn:secret has an authorized_at that is not an ISO 8601 time",
    );
    expect(bad).not.toThrow(/June 1st/);
    expect(badToken).toThrow(
      "The Spotify secret arn:secret has a refresh_token that is not a string.",
    );
  });

  it("counts the refresh token's age in days and refuses a login time in the future", () => {
    // Prepare
    const login = new Date("2026-06-01T00:00:00Z");

    // Act
    const age = refreshTokenAgeDays(login, new Date("2026-10-29T06:00:00Z"));
    const skewed = refreshTokenAgeDays(login, new Date("2026-05-31T23:58:00Z"));
    const future = () => refreshTokenAgeDays(login, new Date("2026-05-31T00:00:00Z"));

    // Assess
    expect(age).toBe(150.25);
    expect(skewed).toBe(0);
    expect(future).toThrow("lies in the future");
  });

  it("reads the environment at each load and remembers a rotated refresh token", async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      SPOTIFY_CLIENT_ID: "id",
      SPOTIFY_CLIENT_SECRET: "s",
      SPOTIFY_REFRESH_TOKEN: "r1",
    };
    const source = new EnvironmentCredentialSource(() => env);

    // Act
    const before = await source.load();
    const stored = await source.storeRotatedRefreshToken("r2");
    const after = await source.load();
    env.SPOTIFY_REFRESH_TOKEN = "r3"; // a new login
    const relogin = await source.load();
    delete env.SPOTIFY_CLIENT_SECRET;
    const error = await rejectionOf(source.load());

    // Assess
    expect(before).toEqual({ clientId: "id", clientSecret: "s", refreshToken: "r1" });
    expect(stored).toBe(false);
    expect(after.refreshToken).toBe("r2");
    expect(relogin.refreshToken).toBe("r3");
    expect(error.message).toContain("set SPOTIFY_SECRET_ARN, or SPOTIFY_CLIENT_SECRET");
  });

  it("caches the secret through Powertools and merges a rotated refresh token into it", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        client_id: "id",
        client_secret: "s",
        refresh_token: "r1",
        team: "data",
      }),
    });
    secretsManager.on(PutSecretValueCommand).resolves({});
    const source = new SecretsManagerCredentialSource({
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:cache-test",
      client: new SecretsManagerClient({}),
      cacheSeconds: 300,
    });

    // Act
    await source.load();
    await source.load();
    const readsBeforeRotation = secretsManager.commandCalls(GetSecretValueCommand).length;
    await source.storeRotatedRefreshToken("r2");
    const afterRotation = await source.load(); // the mock still answers r1: a stale read

    // Assess
    expect(readsBeforeRotation).toBe(1);
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? "{}")).toEqual({
      client_id: "id",
      client_secret: "s",
      refresh_token: "r2",
      team: "data",
    });
    expect(afterRotation.refreshToken).toBe("r2");
  });

  it("reads the secret at every load when SPOTIFY_SECRET_CACHE_SECONDS is 0", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: "id", client_secret: "s" }),
    });
    const source = new SecretsManagerCredentialSource({
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:uncached",
      client: new SecretsManagerClient({}),
      cacheSeconds: 0,
    });

    // Act
    await source.load();
    await source.load();

    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("hands out a newer login's refresh token, not the one it rotated to", async () => {
    // Prepare: a run rotated r1 to r2, then `make spotify-login` wrote r3 into the secret.
    const holding = (refreshToken: string) => ({
      SecretString: JSON.stringify({
        client_id: "id",
        client_secret: "s",
        refresh_token: refreshToken,
      }),
    });
    secretsManager.on(GetSecretValueCommand).resolves(holding("r1"));
    secretsManager.on(PutSecretValueCommand).resolves({});
    const source = new SecretsManagerCredentialSource({
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:relogin",
      client: new SecretsManagerClient({}),
    });
    await source.storeRotatedRefreshToken("r2");
    secretsManager.on(GetSecretValueCommand).resolves(holding("r3"));

    // Act
    const credentials = await source.load();

    // Assess
    expect(credentials.refreshToken).toBe("r3");
  });

  it("refuses to store a rotated token into a secret no longer JSON, without quoting it", async () => {
    // Prepare: the secret was overwritten with a plain string after the last (cached) read
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "SECRETCANARY-plain" });
    const source = new SecretsManagerCredentialSource({
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:overwritten",
      client: new SecretsManagerClient({}),
    });

    // Act
    const error = await rejectionOf(source.storeRotatedRefreshToken("r2-new-token"));

    // Assess
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/secret:overwritten is not JSON/);
    expect(error.message).not.toMatch(/SECRETCANA|r2-new-token/);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("says which permission is missing when the rotated token cannot be stored", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: "id", client_secret: "s", refresh_token: "r1" }),
    });
    secretsManager
      .on(PutSecretValueCommand)
      .rejects(
        Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
      );
    const source = new SecretsManagerCredentialSource({
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:denied",
      client: new SecretsManagerClient({}),
    });

    // Act
    const error = await rejectionOf(source.storeRotatedRefreshToken("r2-new-token"));

    // Assess
    expect(error.message).toContain("needs secretsmanager:PutSecretValue");
    expect(error.message).toContain("AccessDeniedException");
    expect(error.message).not.toContain("r2-new-token");
    expect((await source.load()).refreshToken).toBe("r2-new-token"); // kept in memory meanwhile
  });
});
