import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { runSpotifyLogin } from "../../scripts/spotify-login";
import { startLocalSpotifyApi, type LocalSpotifyApi } from "../support/local-spotify-api";
import { rejectionOf } from "../support/helpers";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:spotify-AbCdEf";
const LOGIN_TIME = new Date("2026-11-22T16:00:03.123Z");

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
});
