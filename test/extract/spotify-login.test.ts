import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { UsageError } from "../../scripts/ops/cli";
import { runSpotifyLogin } from "../../scripts/spotify-login";
import { startLocalSpotifyApi, type LocalSpotifyApi } from "../support/local-spotify-api";
import { rejectionOf } from "../support/helpers";
import { secretHolding, secretValue, startMotoServer, type MotoServer } from "../support/moto";

const LOGIN_TIME = new Date("2026-11-22T16:00:03.123Z");
/** Another app's credentials, as a secret created for it holds them. */
const OTHER_APP = { client_id: "other-app-client-id", client_secret: "other-app-client-secret" };

describe("spotify-login (authorization-code flow against the local accounts service)", () => {
  let api: LocalSpotifyApi;
  // Secrets Manager is moto's server; a client mock stands in only for a refused write.
  let moto: MotoServer;
  let secretsManager: SecretsManagerClient;

  beforeAll(async () => {
    [api, moto] = await Promise.all([startLocalSpotifyApi(), startMotoServer()]);
    secretsManager = new SecretsManagerClient({ endpoint: moto.endpoint, region: "us-east-1" });
  });

  afterAll(async () => {
    secretsManager.destroy();
    await Promise.all([api.stop(), moto.stop()]);
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
  /** A login with `secretArn` that should stop before Spotify: what it threw, printed and sent. */
  const loginWithSecret = async (secretArn: string) => {
    const requestsBefore = loginRequests().length;
    const printed: string[] = [];
    let authorizeUrlShown = false;
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        secretArn,
        secretsManager,
        print: (line) => printed.push(line),
        onAuthorizeUrl: (url) => {
          authorizeUrlShown = true;
          void fetch(url);
        },
      }),
    );
    return {
      error,
      printed,
      authorizeUrlShown,
      requestsSent: loginRequests().length - requestsBefore,
    };
  };

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
    // The alarm by its name in Terraform (and in `make alarms`), not by its metric's.
    expect(printed.join("\n")).toContain(
      "the refresh-token-age alarm (make alarms) fires from day 150",
    );
  });

  it("ignores callbacks with the wrong state, errors included, and accepts the right one", async () => {
    // Prepare: any web page can send the browser to the callback with `?error=...`.
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
          statuses.push((await fetch(`${redirectUri}?error=access_denied`)).status);
          statuses.push((await fetch(`${redirectUri}?error=access_denied&state=wrong`)).status);
          statuses.push((await fetch(`${redirectUri}?state=${state}`)).status); // neither code nor error
          statuses.push((await fetch(`${redirectUri}?code=${code}&state=${state}`)).status);
        })();
      },
    });

    // Assess
    expect(statuses).toEqual([400, 400, 400, 400, 200]);
    expect(api.isRefreshTokenValid(result.refreshToken)).toBe(true);
  });

  it("says how to pick another port when the callback port is in use", async () => {
    // Prepare: another program holds the port.
    const other = http.createServer();
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const { port } = other.address() as AddressInfo;

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({ ...baseOptions(), port, print: () => undefined }),
    ).finally(() => new Promise((resolve) => other.close(resolve)));

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`Port ${port} on 127.0.0.1 is in use`);
    expect(error.message).toContain('make spotify-login ARGS="--port N"');
    expect(error.message).toContain("http://127.0.0.1/callback (no port) accepts any port");
    expect(error.message).toContain(`http://127.0.0.1:${port}/callback accepts only port ${port}`);
  });

  it("fails the login when Spotify redirects back with an error and the login's state", async () => {
    // Act: the user clicked "Cancel"; Spotify returns the state with the error.
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        print: () => undefined,
        onAuthorizeUrl: (url) => {
          const authorize = new URL(url);
          const redirectUri = authorize.searchParams.get("redirect_uri") ?? "";
          const state = authorize.searchParams.get("state") ?? "";
          void fetch(`${redirectUri}?error=access_denied&state=${state}`);
        },
      }),
    );

    // Assess
    expect(error.message).toBe("Spotify did not authorize the app: access_denied");
  });

  it("stores the refresh token in the secret, keeping its other keys, without printing it", async () => {
    // Prepare
    const secretArn = await secretHolding(secretsManager, {
      client_id: api.clientId,
      client_secret: api.clientSecret,
      extra: 1,
    });
    const printed: string[] = [];

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      secretArn,
      secretsManager,
      print: (line) => printed.push(line),
      onAuthorizeUrl: (url) => void fetch(url),
      now: () => LOGIN_TIME,
    });

    // Assess
    expect(await secretValue(secretsManager, secretArn)).toEqual({
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
    const secretArn = await secretHolding(secretsManager, {
      client_id: api.clientId,
      client_secret: "rotated-away",
    });

    // Act
    await runSpotifyLogin({
      ...baseOptions(),
      secretArn,
      secretsManager,
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
    });

    // Assess
    expect(await secretValue(secretsManager, secretArn)).toMatchObject({
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

  it("refuses a token answer that is not 200, even one carrying a refresh token", async () => {
    // Prepare
    api.injectFaults({
      endpoint: "token",
      fault: { kind: "answer", status: 500, body: { refresh_token: "from-an-error-page" } },
    });

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        print: () => undefined,
        onAuthorizeUrl: (url) => void fetch(url),
      }),
    );

    // Assess
    expect(error.message).toContain("Spotify refused the code exchange (HTTP 500)");
  });

  it("says the code exchange could not reach Spotify, without the request that carried the secret", async () => {
    // Prepare
    api.injectFaults({ endpoint: "token", fault: { kind: "drop-connection" } });

    // Act
    const error = await rejectionOf(
      runSpotifyLogin({
        ...baseOptions(),
        onAuthorizeUrl: (url) => {
          const authorize = new URL(url);
          const redirectUri = authorize.searchParams.get("redirect_uri") ?? "";
          const code = api.issueAuthorizationCode(redirectUri);
          void fetch(`${redirectUri}?code=${code}&state=${authorize.searchParams.get("state")}`);
        },
      }),
    );

    // Assess
    expect(error.message).toMatch(
      /^Could not reach Spotify's token endpoint to exchange the code \(ECONNRESET\); run `make spotify-login` again\.$/,
    );
    expect(error.cause).toBeUndefined();
    expect(Object.keys(error)).not.toContain("config");
  });

  it("refuses a secret of another app before any login request reaches Spotify", async () => {
    // Prepare
    const secretArn = await secretHolding(secretsManager, OTHER_APP);

    // Act
    const { error, printed, authorizeUrlShown, requestsSent } = await loginWithSecret(secretArn);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`client_id ${OTHER_APP.client_id}`);
    expect(error.message).toContain(`client_id ${api.clientId}`);
    expect(error.message).toContain("Unset SPOTIFY_CLIENT_ID");
    expect(error.message).not.toContain(OTHER_APP.client_secret);
    expect(error.message).not.toContain(api.clientSecret);
    expect(authorizeUrlShown).toBe(false);
    expect(printed).toEqual([]);
    expect(requestsSent).toBe(0);
    expect(await secretValue(secretsManager, secretArn)).toEqual(OTHER_APP);
  });

  it("logs in as the secret's app when no credentials are given", async () => {
    // Prepare
    const secretArn = await secretHolding(secretsManager, {
      client_id: api.clientId,
      client_secret: api.clientSecret,
    });

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      clientId: undefined,
      clientSecret: undefined,
      secretArn,
      secretsManager,
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
    });

    // Assess
    expect(api.isRefreshTokenValid(result.refreshToken)).toBe(true);
    expect(await secretValue(secretsManager, secretArn)).toMatchObject({
      client_id: api.clientId,
      refresh_token: result.refreshToken,
    });
  });

  it("writes the app credentials it used into a secret that has none", async () => {
    // Prepare
    const secretArn = await secretHolding(secretsManager, {});

    // Act
    const result = await runSpotifyLogin({
      ...baseOptions(),
      secretArn,
      secretsManager,
      print: () => undefined,
      onAuthorizeUrl: (url) => void fetch(url),
      now: () => LOGIN_TIME,
    });

    // Assess
    expect(await secretValue(secretsManager, secretArn)).toEqual({
      client_id: api.clientId,
      client_secret: api.clientSecret,
      refresh_token: result.refreshToken,
      authorized_at: LOGIN_TIME.toISOString(),
    });
  });

  it.each(["client_id=a-secret-looking-value", "[]"])(
    "refuses a secret that is not a JSON object (%s) before the login, without quoting it",
    async (content) => {
      // Prepare
      const secretArn = await secretHolding(secretsManager, content);

      // Act
      const { error, authorizeUrlShown, requestsSent } = await loginWithSecret(secretArn);

      // Assess
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toContain(`The secret ${secretArn} does not hold a JSON object`);
      expect(error.message).not.toContain(content);
      expect(authorizeUrlShown).toBe(false);
      expect(requestsSent).toBe(0);
    },
  );

  it("names the ARN and the permission when the secret cannot be read, before the login", async () => {
    // Prepare: an ARN of no secret (a typo, another region)
    const secretArn = (await secretHolding(secretsManager, {})).replace(
      /-[A-Za-z0-9]{6}$/,
      "-XXXXXX",
    );

    // Act
    const { error, requestsSent } = await loginWithSecret(secretArn);

    // Assess
    expect(error.message).toContain(
      `Could not read the secret ${secretArn} (ResourceNotFoundException`,
    );
    expect(error.message).toContain("secretsmanager:GetSecretValue");
    expect(error.message).toContain("nothing was sent to Spotify");
    expect(requestsSent).toBe(0);
  });

  it("says the token was not stored when PutSecretValue fails, without printing it", async () => {
    // Prepare: an error branch, so a client mock (moto has no IAM to refuse the write)
    const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:spotify-AbCdEf";
    const refusing = mockClient(SecretsManagerClient);
    refusing.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ client_id: api.clientId, client_secret: api.clientSecret }),
    });
    refusing.on(PutSecretValueCommand).rejects(
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
        secretArn,
        secretsManager: new SecretsManagerClient({}),
        print: (line) => printed.push(line),
        onAuthorizeUrl: (url) => void fetch(url),
      }),
    ).finally(() => refusing.restore());

    // Assess
    expect(error.message).toContain(
      `The refresh token was NOT stored: PutSecretValue on ${secretArn} failed (AccessDeniedException`,
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
