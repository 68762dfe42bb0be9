/**
 * `make spotify-login`: the one-time authorization-code login for apps that may only read
 * their user's own playlists (Spotify's development-mode rules since February 2026). It
 * listens on a loopback redirect `http://127.0.0.1:PORT/callback` (Spotify no longer accepts
 * `localhost`), prints the authorize URL, exchanges the code it receives for tokens, and
 * prints the refresh token and the login time or stores them in the Secrets Manager secret
 * (`--secret-arn`) as `refresh_token` and `authorized_at`: Spotify expires the token six
 * months after this login.
 *
 *   make spotify-login ARGS="--secret-arn arn:aws:secretsmanager:..."   (reads client_id/secret from it)
 *   SPOTIFY_CLIENT_ID=... SPOTIFY_CLIENT_SECRET=... make spotify-login    (prints the token)
 *
 * `--client-id`/`--client-secret` flags work too, but a secret on a command line lands in shell
 * history and `ps`: prefer the secret or the variables. With `--secret-arn` the secret is read
 * before the login: Spotify ties a refresh token to the app that got it, so a login with an app
 * other than the secret's `client_id` is refused, and a secret without app credentials gets the
 * ones the login used.
 *
 * Register the redirect URI in the app's settings on the Spotify developer dashboard first:
 * `http://127.0.0.1/callback` without a port (Spotify then accepts any loopback port), or the
 * exact `http://127.0.0.1:8888/callback` of the default port.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import axios from "axios";
import {
  appBasicAuthorization,
  DEFAULT_ACCOUNTS_BASE_URL,
} from "../functions/extract/spotify-client";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { errorText, parseFlags, parseIntegerFlag, runCommand, UsageError } from "./ops/cli";

/** Scopes the extract needs: private and collaborative playlists of the user. */
const DEFAULT_SCOPES = ["playlist-read-private", "playlist-read-collaborative"];
/** The loopback port of the default redirect URI. */
const DEFAULT_PORT = 8888;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Settings of one login. */
export interface SpotifyLoginOptions {
  /** The app's client id; when absent, the `client_id` of the secret `secretArn`. */
  clientId?: string;
  /** The app's client secret; when absent, the `client_secret` of the secret `secretArn`. */
  clientSecret?: string;
  accountsBaseUrl?: string;
  /**
   * Loopback port for the redirect (0: any free port). Spotify accepts any port when the app
   * registers the loopback URI without one (`http://127.0.0.1/callback`).
   */
  port?: number;
  scopes?: string[];
  /** Store the refresh token into this secret (merging into its JSON) instead of printing it. */
  secretArn?: string;
  secretsManager?: SecretsManagerClient;
  /** Give up waiting for the browser after this long. */
  timeoutMs?: number;
  /** Where messages go (stdout by default). */
  print?: (line: string) => void;
  /** Called with the authorize URL once the callback server listens. */
  onAuthorizeUrl?: (url: string) => void;
  /** The clock `authorized_at` is read from (the real one by default). */
  now?: () => Date;
}

const EXPIRY_NOTE =
  "Spotify expires this refresh token six months after this login, however often it is used; " +
  "the refresh-token-age alarm (make alarms) fires from day 150: run `make spotify-login` again before then.";

/** What a login produced. */
export interface SpotifyLoginResult {
  refreshToken: string;
  scope: string;
  redirectUri: string;
  /** ISO 8601 time of the login (stored as the secret's `authorized_at`). */
  authorizedAt: string;
  /** True when the token went into the secret. */
  stored: boolean;
}

/**
 * Runs the authorization-code flow once.
 *
 * @throws UsageError before anything is sent to Spotify when there are no app credentials, the
 *   secret does not hold a JSON object, its `client_id` is another app than the one in use, or
 *   the callback port is in use.
 * @throws Error when the secret cannot be read (before the login), Spotify refuses the login,
 *   or the token cannot be stored (the message then says it was not stored).
 */
export async function runSpotifyLogin(options: SpotifyLoginOptions): Promise<SpotifyLoginResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const accountsBaseUrl = (options.accountsBaseUrl ?? DEFAULT_ACCOUNTS_BASE_URL).replace(
    /\/+$/,
    "",
  );
  // The secret is read first: a wrong ARN, a missing permission or a secret of another app
  // would otherwise only show after the user logged in, and the new token would be lost.
  const secretsManager = options.secretArn
    ? (options.secretsManager ?? new SecretsManagerClient({}))
    : undefined;
  const secret =
    options.secretArn && secretsManager
      ? await readSecret(secretsManager, options.secretArn)
      : undefined;
  const app = appCredentials(options, secret);
  const state = randomBytes(16).toString("hex");
  const scopes = options.scopes ?? DEFAULT_SCOPES;

  const { server, codePromise } = listenForCallback(state);
  const port = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? portInUse(port) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const authorizeUrl = new URL(`${accountsBaseUrl}/authorize`);
    authorizeUrl.search = new URLSearchParams({
      client_id: app.clientId,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: scopes.join(" "),
      state,
      show_dialog: "true",
    }).toString();
    print(
      `Redirect URI: ${redirectUri}. Register http://127.0.0.1/callback (no port: Spotify then ` +
        `accepts any loopback port) or this exact URI in the app's settings on developer.spotify.com.`,
    );
    print(`Open this URL in a browser, signed in as the user whose playlists the extract reads:`);
    print(authorizeUrl.toString());
    options.onAuthorizeUrl?.(authorizeUrl.toString());

    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `No callback within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s; run it again.`,
            ),
          ),
        options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
    });
    const code = await Promise.race([codePromise, timeout]);
    const tokens = await exchangeCode(accountsBaseUrl, app, code, redirectUri);
    // The login time, not the first use: Spotify counts the six months from here.
    const authorizedAt = (options.now?.() ?? new Date()).toISOString();

    if (options.secretArn && secretsManager && secret) {
      await storeRefreshToken(secretsManager, options.secretArn, secret, app, {
        refreshToken: tokens.refreshToken,
        authorizedAt,
      });
      print(`Stored the refresh token in ${options.secretArn} (scope: ${tokens.scope || "none"}).`);
      print("The extract now acts for this user (refresh-token mode).");
      print(EXPIRY_NOTE);
      return { ...tokens, redirectUri, authorizedAt, stored: true };
    }
    print(`Refresh token (scope: ${tokens.scope || "none"}); keep it secret:`);
    print(tokens.refreshToken);
    print(
      `Put it in the Spotify secret as "refresh_token", with "authorized_at": "${authorizedAt}" ` +
        "(or run again with --secret-arn), or set SPOTIFY_REFRESH_TOKEN for local runs.",
    );
    print(EXPIRY_NOTE);
    return { ...tokens, redirectUri, authorizedAt, stored: false };
  } finally {
    if (timer) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What to do when another program holds the callback port. */
function portInUse(port: number): UsageError {
  return new UsageError(
    `Port ${port} on 127.0.0.1 is in use (another \`make spotify-login\` still waiting, or ` +
      `another program), so the login cannot receive Spotify's redirect there. Stop that ` +
      `program, or pick a free port with make spotify-login ARGS="--port N" (with your other ` +
      `flags). The redirect URI must match what the Spotify app's settings register: ` +
      `http://127.0.0.1/callback (no port) accepts any port; http://127.0.0.1:${port}/callback ` +
      `accepts only port ${port}, so for another port register http://127.0.0.1:N/callback too.`,
  );
}

/** A loopback server whose `/callback` resolves the code (after checking `state`). */
function listenForCallback(state: string): { server: http.Server; codePromise: Promise<string> } {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const codePromise = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/callback") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
      return;
    }
    const reply = (status: number, text: string): void => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(`${text}\n`);
    };
    // State first: Spotify sends it on error redirects too, and any web page can send the
    // browser here with `?error=...`; only the waiting login's callback may end it.
    if (url.searchParams.get("state") !== state) {
      reply(400, "State mismatch: this callback is not from the login that is waiting. Ignored.");
      return;
    }
    const error = url.searchParams.get("error");
    if (error) {
      reply(400, `Spotify login failed: ${error}. You can close this tab.`);
      settle?.reject(new Error(`Spotify did not authorize the app: ${error}`));
      return;
    }
    const code = url.searchParams.get("code");
    if (!code) {
      reply(400, "No code in the callback.");
      return;
    }
    reply(200, "Spotify login done. You can close this tab and go back to the terminal.");
    settle?.resolve(code);
  });
  return { server, codePromise };
}

async function exchangeCode(
  accountsBaseUrl: string,
  app: AppCredentials,
  code: string,
  redirectUri: string,
): Promise<{ refreshToken: string; scope: string }> {
  const response = await axios
    .post(
      `${accountsBaseUrl}/api/token`,
      new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
      }).toString(),
      {
        headers: {
          Authorization: appBasicAuthorization(app.clientId, app.clientSecret),
          "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout: 30_000,
        validateStatus: () => true,
      },
    )
    .catch((error: unknown) => {
      // Without its cause: axios's error carries the Basic header and the code in its config.
      const reason = axios.isAxiosError(error) ? (error.code ?? error.message) : "network error";
      throw new Error(
        `Could not reach Spotify's token endpoint to exchange the code (${reason}); run \`make spotify-login\` again.`,
      );
    });
  const body = (response.data ?? {}) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.refresh_token !== "string") {
    const reason =
      typeof body.error === "string"
        ? `${body.error}: ${String(body.error_description ?? "")}`
        : `HTTP ${response.status}`;
    throw new Error(
      `Spotify refused the code exchange (${reason}). Check the client id/secret and that ${redirectUri} is registered as a redirect URI.`,
    );
  }
  return {
    refreshToken: body.refresh_token,
    scope: typeof body.scope === "string" ? body.scope : "",
  };
}

/** The app a login runs as. */
interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Reads the secret's JSON object (its keys are kept when the token is stored).
 *
 * @throws Error when GetSecretValue fails; UsageError when the value is not a JSON object.
 */
async function readSecret(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<Record<string, unknown>> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    throw new Error(
      `Could not read the secret ${secretArn} (${errorText(error)}). Check the ARN, the ` +
        "region and the permission secretsmanager:GetSecretValue; nothing was sent to Spotify.",
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    // Never quote the content: it may be a secret.
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(
      `The secret ${secretArn} does not hold a JSON object; it must hold ` +
        '{"client_id": ..., "client_secret": ...} (or {}: the login then writes the ones it uses).',
    );
  }
  return value as Record<string, unknown>;
}

/**
 * The app credentials in use: options (flags, variables) first, the secret's for what they
 * lack.
 *
 * @throws UsageError when none are given, or the secret's `client_id` names another app (a
 *   token of that app next to the secret's credentials would fail every extract refresh).
 */
function appCredentials(
  options: SpotifyLoginOptions,
  secret: Record<string, unknown> | undefined,
): AppCredentials {
  const stored = secretAppCredentials(secret);
  const clientId = options.clientId?.trim() || stored.clientId;
  const clientSecret = options.clientSecret?.trim() || stored.clientSecret;
  if (!clientId || !clientSecret) {
    throw new UsageError(
      "No app credentials: pass --client-id/--client-secret, set SPOTIFY_CLIENT_ID/" +
        "SPOTIFY_CLIENT_SECRET, or give a --secret-arn whose secret holds client_id and client_secret.",
    );
  }
  if (stored.clientId && stored.clientId !== clientId) {
    // Client ids are public (they appear in every authorize URL); secrets are never named.
    throw new UsageError(
      `The secret ${options.secretArn} is for the app with client_id ${stored.clientId}, but ` +
        `this login would use client_id ${clientId} (from --client-id or SPOTIFY_CLIENT_ID). ` +
        "Spotify ties a refresh token to the app that got it, so the extract could not use it. " +
        "Unset SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (or pass --client-id " +
        `${stored.clientId} with that app's --client-secret) to log in as the secret's app, or ` +
        `pass --secret-arn of the secret for ${clientId}.`,
    );
  }
  return { clientId, clientSecret };
}

/** The secret's `client_id`/`client_secret`, each when a non-empty string (as the extract reads them). */
function secretAppCredentials(
  secret: Record<string, unknown> | undefined,
): Partial<AppCredentials> {
  const text = (value: unknown) => (typeof value === "string" && value.trim()) || undefined;
  return { clientId: text(secret?.client_id), clientSecret: text(secret?.client_secret) };
}

/**
 * Writes `refresh_token` and `authorized_at` into the secret read before the login (other keys
 * kept), with the app credentials the code exchange has just proved: the extract needs them,
 * and a rotated client secret given to the login replaces the stale one.
 *
 * @throws Error saying the token was not stored when PutSecretValue fails.
 */
async function storeRefreshToken(
  client: SecretsManagerClient,
  secretArn: string,
  secret: Record<string, unknown>,
  app: AppCredentials,
  login: { refreshToken: string; authorizedAt: string },
): Promise<void> {
  const record = {
    ...secret,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    refresh_token: login.refreshToken,
    authorized_at: login.authorizedAt,
  };
  try {
    await client.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(record) }),
    );
  } catch (error) {
    throw new Error(
      `The refresh token was NOT stored: PutSecretValue on ${secretArn} failed ` +
        `(${errorText(error)}). Fix the cause (e.g. allow secretsmanager:PutSecretValue on ` +
        "this secret) and run `make spotify-login` again; this login's token is not kept.",
      { cause: error },
    );
  }
}

const USAGE = `Usage: make spotify-login ARGS="[--client-id ID --client-secret SECRET] [--secret-arn ARN] [--port ${DEFAULT_PORT}] [--scopes 'a b'] [--accounts-base-url URL]"
  The app credentials come from --client-id/--client-secret, SPOTIFY_CLIENT_ID/SPOTIFY_CLIENT_SECRET,
  or the secret given by --secret-arn. With --secret-arn the refresh token is stored there; otherwise printed.`;

async function main(): Promise<number> {
  const { values } = parseFlags(
    process.argv.slice(2),
    {
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "secret-arn": { type: "string" },
      port: { type: "string" },
      scopes: { type: "string" },
      "accounts-base-url": { type: "string" },
      help: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  await runSpotifyLogin({
    clientId: values["client-id"] ?? process.env.SPOTIFY_CLIENT_ID,
    clientSecret: values["client-secret"] ?? process.env.SPOTIFY_CLIENT_SECRET,
    port: parseIntegerFlag(values.port, "port", { min: 0, max: 65535 }) ?? DEFAULT_PORT,
    scopes: (values.scopes ?? DEFAULT_SCOPES.join(" ")).split(/[\s,]+/).filter(Boolean),
    accountsBaseUrl: values["accounts-base-url"] ?? process.env.SPOTIFY_ACCOUNTS_BASE_URL,
    secretArn: values["secret-arn"],
  });
  return 0;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await runCommand(main);
}
