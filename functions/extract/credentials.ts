/**
 * Where the extract's Spotify credentials come from: the Secrets Manager secret named by
 * `SPOTIFY_SECRET_ARN` (read through Powertools Parameters, cached), or, when no ARN is set,
 * `SPOTIFY_CLIENT_ID` / `SPOTIFY_CLIENT_SECRET` / `SPOTIFY_REFRESH_TOKEN` (local mode, tests).
 * A refresh token Spotify rotates is written back to the secret with `PutSecretValue`.
 *
 * Error messages here name keys and variables, never values.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SpotifyCredentials } from "./spotify-client";

/** Seconds Powertools keeps the secret value before reading it again (`SPOTIFY_SECRET_CACHE_SECONDS`). */
export const DEFAULT_SECRET_CACHE_SECONDS = 300;

/** A source of credentials, able (or not) to keep a rotated refresh token. */
export interface CredentialSource {
  /** `secret` (Secrets Manager) or `environment`. */
  readonly kind: "secret" | "environment";
  load(): Promise<SpotifyCredentials>;
  /**
   * Keeps a refresh token Spotify rotated. Resolves to true when stored durably, false when
   * it can only be kept in memory (environment variables cannot be changed from inside).
   */
  storeRotatedRefreshToken(refreshToken: string): Promise<boolean>;
}

/** A credentials problem: the message says which keys or variables are wrong. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialsError";
  }
}

/**
 * Reads and checks the secret's JSON: `client_id` and `client_secret` are required,
 * `refresh_token` optional. Other keys are kept by {@link SecretsManagerCredentialSource}.
 */
export function parseSecretJson(text: string, secretName: string): SpotifyCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsError(
      `The Spotify secret ${secretName} is not JSON; it must hold {"client_id": ..., "client_secret": ..., "refresh_token": ... (optional)}.`,
    );
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new CredentialsError(`The Spotify secret ${secretName} must hold a JSON object.`);
  }
  const record = value as Record<string, unknown>;
  const missing = ["client_id", "client_secret"].filter(
    (key) => typeof record[key] !== "string" || (record[key] as string).trim() === "",
  );
  if (missing.length > 0) {
    throw new CredentialsError(
      `The Spotify secret ${secretName} lacks ${missing.join(" and ")} (non-empty strings).`,
    );
  }
  if (
    record.refresh_token !== undefined &&
    record.refresh_token !== null &&
    typeof record.refresh_token !== "string"
  ) {
    throw new CredentialsError(
      `The Spotify secret ${secretName} has a refresh_token that is not a string.`,
    );
  }
  const refreshToken = typeof record.refresh_token === "string" ? record.refresh_token.trim() : "";
  return {
    clientId: (record.client_id as string).trim(),
    clientSecret: (record.client_secret as string).trim(),
    ...(refreshToken ? { refreshToken } : {}),
  };
}

/** Credentials from `SPOTIFY_CLIENT_ID`, `SPOTIFY_CLIENT_SECRET` and optional `SPOTIFY_REFRESH_TOKEN`. */
export class EnvironmentCredentialSource implements CredentialSource {
  readonly kind = "environment" as const;
  private rotated: { from: string; to: string } | undefined;

  /** `env` is read at every load (default: the process environment). */
  constructor(private readonly env: () => NodeJS.ProcessEnv = () => process.env) {}

  async load(): Promise<SpotifyCredentials> {
    const env = this.env();
    const clientId = env.SPOTIFY_CLIENT_ID?.trim();
    const clientSecret = env.SPOTIFY_CLIENT_SECRET?.trim();
    const missing = [
      clientId ? undefined : "SPOTIFY_CLIENT_ID",
      clientSecret ? undefined : "SPOTIFY_CLIENT_SECRET",
    ].filter(Boolean);
    if (!clientId || !clientSecret) {
      throw new CredentialsError(
        `No Spotify credentials: set SPOTIFY_SECRET_ARN, or ${missing.join(" and ")} (with SPOTIFY_REFRESH_TOKEN for the user mode).`,
      );
    }
    let refreshToken = env.SPOTIFY_REFRESH_TOKEN?.trim() || undefined;
    // A token rotated during an earlier warm invocation replaces the configured one.
    if (refreshToken && this.rotated?.from === refreshToken) refreshToken = this.rotated.to;
    return { clientId, clientSecret, ...(refreshToken ? { refreshToken } : {}) };
  }

  async storeRotatedRefreshToken(refreshToken: string): Promise<boolean> {
    const configured = this.env().SPOTIFY_REFRESH_TOKEN?.trim();
    if (configured) this.rotated = { from: configured, to: refreshToken };
    return false;
  }
}

/** Options of {@link SecretsManagerCredentialSource}. */
export interface SecretsManagerCredentialSourceOptions {
  secretId: string;
  /** Created once per cold start by the handler; Powertools reads through it too. */
  client: SecretsManagerClient;
  cacheSeconds?: number;
}

/**
 * Credentials from a Secrets Manager secret, read through Powertools Parameters (cached for
 * `cacheSeconds` across warm invocations). A rotated refresh token is merged into the
 * secret's JSON (other keys kept) and written with `PutSecretValue`.
 */
export class SecretsManagerCredentialSource implements CredentialSource {
  readonly kind = "secret" as const;
  private readonly provider: SecretsProvider;
  private readonly cacheSeconds: number;
  /** The latest rotation, so a stale cached secret never hands out the replaced token. */
  private rotated: { from: string; to: string } | undefined;
  private forceNextFetch = false;

  constructor(private readonly options: SecretsManagerCredentialSourceOptions) {
    this.provider = new SecretsProvider({ awsSdkV3Client: options.client });
    this.cacheSeconds = options.cacheSeconds ?? DEFAULT_SECRET_CACHE_SECONDS;
  }

  async load(): Promise<SpotifyCredentials> {
    const credentials = parseSecretJson(
      await this.readSecret(this.forceNextFetch),
      this.options.secretId,
    );
    this.forceNextFetch = false;
    if (credentials.refreshToken && this.rotated?.from === credentials.refreshToken) {
      return { ...credentials, refreshToken: this.rotated.to };
    }
    return credentials;
  }

  async storeRotatedRefreshToken(refreshToken: string): Promise<boolean> {
    const current = await this.readSecret(true);
    const record = JSON.parse(current) as Record<string, unknown>;
    const previous = typeof record.refresh_token === "string" ? record.refresh_token : undefined;
    if (previous) this.rotated = { from: previous, to: refreshToken };
    record.refresh_token = refreshToken;
    try {
      await this.options.client.send(
        new PutSecretValueCommand({
          SecretId: this.options.secretId,
          SecretString: JSON.stringify(record),
        }),
      );
    } catch (error) {
      throw new CredentialsError(
        `Could not store the rotated Spotify refresh token in ${this.options.secretId} ` +
          `(${errorSummary(error)}); the function needs secretsmanager:PutSecretValue on it. ` +
          `If Spotify revoked the old token, run \`make spotify-login\` again.`,
      );
    }
    this.forceNextFetch = true;
    return true;
  }

  private async readSecret(forceFetch: boolean): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(this.options.secretId, {
        maxAge: this.cacheSeconds,
        forceFetch,
      });
    } catch (error) {
      throw new CredentialsError(
        `Could not read the Spotify secret ${this.options.secretId} (${errorSummary(error)}); ` +
          `check that it exists and the function may call secretsmanager:GetSecretValue on it.`,
      );
    }
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
    throw new CredentialsError(`The Spotify secret ${this.options.secretId} has no value.`);
  }
}

/** An AWS error's name and message (AWS messages describe the failure, never the secret value). */
function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const message = error.message.replace(/\s+/g, " ").slice(0, 200);
  return message ? `${error.name}: ${message}` : error.name;
}
