import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { UsageError } from "../../scripts/ops/cli";
import { runSpotifyLogin } from "../../scripts/spotify-login";
import { startLocalSpotifyApi, type LocalSpotifyApi } from "../support/local-spotify-api";
import { rejectionOf } from "../support/helpers";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:spotify-AbCdEf";
const LOGIN_TIME = new Date("2026-11-22T16:00:03.123Z");
/** Another app's credentials, as a secret created for it holds them. */
const OTHER_APP = { client_id: "other-app-client-id", client_secret: "other-app-client-secret" };

describe("spotify-login (authorization-code flow against the local accounts service)", () => {
  let api: LocalSpotifyApi;
  const secretsManager = mockClient(SecretsManagerClient);

  beforeAll(async () => {
    api = await startLocalSpotifyApi();
  });

  afterAll(async () => {
    secretsManager.restore();
    await api.stop();
  });

  afterEach(() => {
    secretsManager.reset();
  });

  const baseOptions = () => ({
    clientId: api.clientId,
    clientSecret: api.clientSecret,
    accountsBaseUrl: api.accountsBaseUrl,
    port: 0,
    timeoutMs: 10_000,
  });

  /** Requests that reached the local accounts service for a login (authorize or token). */
  const loginRequests = () =>
    api.requests.filter((request) => ["authorize", "token"].includes(request.endpoint));

  it("follows the authorize URL through the loopback callback and prints a working refresh token", async () => {
    // Prepare
    const printed: string[] = [];
    let authorizeUrl = "";

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      print: (line) => printed.push(line),
      onAuthorizeUrl: (url) => {
        authorizeUrl = url;
        // The browser: the local /authorize approves and redirects to the callback.
        void fetch(url);
      },
    });

    // Assess
    const authorize = new URL(authorizeUrl);
    expect(authorize.pathname).toBe("/authorize");
    expect(authorize.searchParams.get("redirect_uri")).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    expect(authorize.searchParams.get("scope")).toBe(
      "playlist-read-private playlist-read-collaborative",
    );
    expect(authorize.searchParams.get("state")).toMatch(/^[0-9a-f]{32}$/);
    expect(result.stored).toBe(false);
    expect(api.isRefreshTokenValid(result.refreshToken)).toBe(true);
    expect(printed).toContain(result.refreshToken);
    expect(printed).toContain(authorizeUrl);
    expect(Date.parse(result.authorizedAt)).not.toBeNaN();
    expect(printed.join("\n")).toContain(`"authorized_at": "${result.authorizedAt}"`);
  });

  it("ignores a callback with the wrong state and accepts the right one", async () => {
    // Prepare
    const statuses: number[] = [];

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      print: () => undefined,
      onAuthorizeUrl: (url) => {
        const authorize = new URL(url);
        const redirectUri = authorize.searchParams.get("redirect_uri") ?? "";
        const state = authorize.searchParams.get("state") ?? "";
        const code = api.issueAuthorizationCode(redirectUri);
        void (async () => {
          statuses.push((await fetch(`${redirectUri}?code=forged&state=wrong`)).status);
          statuses.push((await fetch(`${redirectUri}?code=${code}&state=${state}`)).status);
        })();
      },
    });

    // Assess
    expect(statuses).toEqual([400, 200]);
    expect(api.isRefreshTokenValid(result.refreshToken)).toBe(true);
  });

  it("stores the refresh token in the secret, keeping its other keys, without printing it", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        client_id: api.clientId,
        client_secret: api.clientSecret,
        extra: 1,
      }),
    });
    secretsManager.on(PutSecretValueCommand).resolves({});
    const printed: string[] = [];

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      secretArn: SECRET_ARN,
      secretsManager: new SecretsManagerClient({}),
      print: (line) => printed.push(line),
      onAuthorizeUrl: (url) => void fetch(url),
      now: () => LOGIN_TIME,
    });

    // Assess
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(SECRET_ARN);
    expect(JSON.parse(put?.SecretString ?? "{}")).toEqual({
      client_id: api.clientId,
      client_secret: api.clientSecret,
      extra: 1,
      refresh_token: result.refreshToken,
      authorized_at: LOGIN_TIME.toISOString(),
    });
    expect(result.stored).toBe(true);
    expect(printed.join("\n")).not.toContain(result.refreshToken);
  });

  it("stores the client secret the login proved, replacing a stale one of the same app", async () => {
    // Prepare: the app's client secret was rotated; the secret still holds the old one
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: api.clientId, client_secret: "rotated-away" }),
    });
    secretsManager.on(PutSecretValueCommand).resolves({});

    // Act
    await runSpotifyLogin({
      ...baseOptions(),
      secretArn: SECRET_ARN,
      secretsManager: new SecretsManagerClient({}),
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
    });

    // Assess
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? "{}")).toMatchObject({
      client_id: api.clientId,
      client_secret: api.clientSecret,
    });
  });

  it("explains a code Spotify refuses to exchange", async () => {
    // Prepare
    const printed: string[] = [];

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        print: (line) => printed.push(line),
        onAuthorizeUrl: (url) => {
          const authorize = new URL(url);
          const redirectUri = authorize.searchParams.get("redirect_uri") ?? "";
          // A code issued for another redirect URI: the exchange must fail.
          const code = api.issueAuthorizationCode("http://127.0.0.1:1/callback");
          void fetch(`${redirectUri}?code=${code}&state=${authorize.searchParams.get("state")}`);
        },
      }),
    );

    // Assess
    expect(error.message).toContain(
      "Spotify refused the code exchange (invalid_grant: Invalid redirect URI)",
    );
  });

  it("refuses a secret of another app before any login request reaches Spotify", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(OTHER_APP) });
    const requestsBefore = loginRequests().length;
    const printed: string[] = [];
    let authorizeUrlShown = false;

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        secretArn: SECRET_ARN,
        secretsManager: new SecretsManagerClient({}),
        print: (line) => printed.push(line),
        onAuthorizeUrl: (url) => {
          authorizeUrlShown = true;
          void fetch(url);
        },
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`client_id ${OTHER_APP.client_id}`);
    expect(error.message).toContain(`client_id ${api.clientId}`);
    expect(error.message).toContain("Unset SPOTIFY_CLIENT_ID");
    expect(error.message).not.toContain(OTHER_APP.client_secret);
    expect(error.message).not.toContain(api.clientSecret);
    expect(authorizeUrlShown).toBe(false);
    expect(printed).toEqual([]);
    expect(loginRequests().length).toBe(requestsBefore);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("logs in as the secret's app when no credentials are given", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: api.clientId, client_secret: api.clientSecret }),
    });
    secretsManager.on(PutSecretValueCommand).resolves({});

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      clientId: undefined,
      clientSecret: undefined,
      secretArn: SECRET_ARN,
      secretsManager: new SecretsManagerClient({}),
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
    });

    // Assess
    expect(api.isRefreshTokenValid(result.refreshToken)).toBe(true);
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? "{}")).toMatchObject({
      client_id: api.clientId,
      refresh_token: result.refreshToken,
    });
  });

  it("writes the app credentials it used into a secret that has none", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "{}" });
    secretsManager.on(PutSecretValueCommand).resolves({});

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      secretArn: SECRET_ARN,
      secretsManager: new SecretsManagerClient({}),
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
      now: () => LOGIN_TIME,
    });

    // Assess
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(JSON.parse(put?.SecretString ?? "{}")).toEqual({
      client_id: api.clientId,
      client_secret: api.clientSecret,
      refresh_token: result.refreshToken,
      authorized_at: LOGIN_TIME.toISOString(),
    });
  });

  it("refuses a secret that is not JSON before the login, without quoting it", async () => {
    // Prepare
    const content = "client_id=a-secret-looking-value";
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: content });
    const requestsBefore = loginRequests().length;
    let authorizeUrlShown = false;

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        secretArn: SECRET_ARN,
        secretsManager: new SecretsManagerClient({}),
        print: () => undefined,
        onAuthorizeUrl: () => {
          authorizeUrlShown = true;
        },
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`The secret ${SECRET_ARN} does not hold a JSON object`);
    expect(error.message).not.toContain(content);
    expect(authorizeUrlShown).toBe(false);
    expect(loginRequests().length).toBe(requestsBefore);
  });

  it("names the ARN and the permission when the secret cannot be read, before the login", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error("User is not authorized to perform secretsmanager:GetSecretValue"), {
        name: "AccessDeniedException",
      }),
    );
    const requestsBefore = loginRequests().length;

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        secretArn: SECRET_ARN,
        secretsManager: new SecretsManagerClient({}),
        print: () => undefined,
        onAuthorizeUrl: (url) => void fetch(url),
      }),
    );

    // Assess
    expect(error.message).toContain(
      `Could not read the secret ${SECRET_ARN} (AccessDeniedException`,
    );
    expect(error.message).toContain("nothing was sent to Spotify");
    expect(loginRequests().length).toBe(requestsBefore);
  });

  it("says the token was not stored when PutSecretValue fails, without printing it", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: api.clientId, client_secret: api.clientSecret }),
    });
    secretsManager.on(PutSecretValueCommand).rejects(
      Object.assign(new Error("User is not authorized to perform secretsmanager:PutSecretValue"), {
        name: "AccessDeniedException",
      }),
    );
    const tokensBefore = api.issuedTokens.length;
    const printed: string[] = [];

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        secretArn: SECRET_ARN,
        secretsManager: new SecretsManagerClient({}),
        print: (line) => printed.push(line),
        onAuthorizeUrl: (url) => void fetch(url),
      }),
    );

    // Assess
    expect(error.message).toContain(
      `The refresh token was NOT stored: PutSecretValue on ${SECRET_ARN} failed (AccessDeniedException`,
    );
    expect(error.message).toContain("secretsmanager:PutSecretValue");
    expect(error.message).toContain("run `make spotify-login` again");
    const issued = api.issuedTokens.slice(tokensBefore);
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) {
      expect(error.message).not.toContain(token);
      expect(printed.join("\n")).not.toContain(token);
    }
  });
});
