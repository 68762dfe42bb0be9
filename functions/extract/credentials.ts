/**
 * Where the extract's Spotify credentials come from: the Secrets Manager secret named by
 * `SPOTIFY_SECRET_ARN` (read through Powertools Parameters, cached), or, when no ARN is set,
 * `SPOTIFY_CLIENT_ID` / `SPOTIFY_CLIENT_SECRET` / `SPOTIFY_REFRESH_TOKEN` (local mode, tests).
 * A refresh token Spotify rotates is written back to the secret with `PutSecretValue`.
 *
 * Error messages here name keys and variables, never values.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "../shared/zod";
import { CredentialsError } from "./errors";
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

/** An `authorized_at` this far ahead of the clock is refused (clock skew allowance). */
const AUTHORIZED_AT_MAX_SKEW_MS = 5 * 60_000;

const trimmedString = z.pipe(
  z.string(),
  z.transform((value: string) => value.trim()),
);

const secretSchema = z.looseObject({
  client_id: z.optional(z.unknown()),
  client_secret: z.optional(z.unknown()),
  refresh_token: z.nullish(trimmedString),
  authorized_at: z.nullish(z.iso.datetime({ offset: true })),
});

/**
 * Reads and checks the secret's JSON: `client_id` and `client_secret` are required,
 * `refresh_token` and `authorized_at` (ISO 8601 time of the `make spotify-login` that issued
 * the token) optional. Other keys are kept by {@link SecretsManagerCredentialSource}.
 *
 * @throws CredentialsError when the JSON or a key is malformed (naming the key, never a value).
 */
export function parseSecretJson(text: string, secretName: string): SpotifyCredentials {
  const record = secretObject(text, secretName);
  const missing = ["client_id", "client_secret"].filter(
    (key) => typeof record[key] !== "string" || (record[key] as string).trim() === "",
  );
  if (missing.length > 0) {
    throw new CredentialsError(
      `The Spotify secret ${secretName} lacks ${missing.join(" and ")} (non-empty strings).`,
    );
  }
  const parsed = secretSchema.safeParse(record);
  if (!parsed.success) {
    const key = parsed.error.issues[0]?.path[0];
    const expected =
      key === "authorized_at"
        ? "an ISO 8601 time such as 2026-11-22T16:00:03.123Z (`make spotify-login` writes it)"
        : "a string";
    throw new CredentialsError(
      `The Spotify secret ${secretName} has ${key === "authorized_at" ? "an" : "a"} ${String(key)} that is not ${expected}.`,
    );
  }
  const refreshToken = parsed.data.refresh_token ?? "";
  const authorizedAt = parsed.data.authorized_at;
  return {
    clientId: (record.client_id as string).trim(),
    clientSecret: (record.client_secret as string).trim(),
    ...(refreshToken ? { refreshToken } : {}),
    ...(refreshToken && authorizedAt ? { authorizedAt: new Date(authorizedAt) } : {}),
  };
}

/**
 * The secret's JSON object, checked without quoting it (JSON.parse's own message would quote
 * its first characters).
 * @throws CredentialsError when the text is not JSON or not a JSON object.
 */
function secretObject(text: string, secretName: string): Record<string, unknown> {
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
  return value as Record<string, unknown>;
}

/**
 * Days since the login that issued the refresh token (the `RefreshTokenAgeDays` metric),
 * two decimals.
 *
 * @throws CredentialsError when `authorizedAt` lies in the future (a wrong clock or a
 *   hand-edited secret: the metric would hide the expiry).
 */
export function refreshTokenAgeDays(authorizedAt: Date, now: Date): number {
  const ageMs = now.getTime() - authorizedAt.getTime();
  if (ageMs < -AUTHORIZED_AT_MAX_SKEW_MS) {
    throw new CredentialsError(
      `The Spotify secret's authorized_at (${authorizedAt.toISOString()}) lies in the future; ` +
        `run \`make spotify-login\` again to write the real login time.`,
    );
  }
  return Math.max(0, Math.round((ageMs / 86_400_000) * 100) / 100);
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
    const record = secretObject(current, this.options.secretId);
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

/**
 * The credential source for a configuration, kept across warm invocations: one Secrets
 * Manager source per secret (each with its cache and rotation memory), or the environment.
 * The Secrets Manager client is made on first use.
 */
export class CredentialSources {
  private readonly secrets = new Map<string, SecretsManagerCredentialSource>();
  private readonly environment = new EnvironmentCredentialSource();
  private client: SecretsManagerClient | undefined;

  /** The secret's source when `secretArn` is set, the environment's otherwise. */
  for(secretArn: string | undefined, cacheSeconds: number): CredentialSource {
    if (!secretArn) return this.environment;
    let source = this.secrets.get(secretArn);
    if (!source) {
      this.client ??= new SecretsManagerClient({});
      source = new SecretsManagerCredentialSource({
        secretId: secretArn,
        client: this.client,
        cacheSeconds,
      });
      this.secrets.set(secretArn, source);
    }
    return source;
  }
}

/** The logger methods this module uses (Powertools Logger fits). */
export interface CredentialsLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * The refresh token's age for the `RefreshTokenAgeDays` metric. Kept per cold start, so a
 * secret without `authorized_at` (a token from before `make spotify-login` wrote it) logs its
 * warning once, not on every warm invocation.
 */
export class RefreshTokenAgeGauge {
  private warned = false;

  /**
   * Days since the login, or undefined when the credentials hold no refresh token (client
   * credentials never expire this way) or no `authorized_at` (then one warning).
   *
   * @throws CredentialsError when `authorized_at` lies in the future.
   */
  measure(
    credentials: SpotifyCredentials,
    now: Date,
    logger: CredentialsLogger,
  ): number | undefined {
    if (!credentials.refreshToken) return undefined;
    if (credentials.authorizedAt) return refreshTokenAgeDays(credentials.authorizedAt, now);
    if (!this.warned) {
      this.warned = true;
      logger.warn(
        "The refresh token has no authorized_at, so RefreshTokenAgeDays is not emitted and " +
          "no alarm warns before Spotify expires the token (six months after its login). " +
          "Run `make spotify-login` again: it stores authorized_at with the new token.",
      );
    }
    return undefined;
  }
}

/**
 * The client's `onRefreshTokenRotated` callback: stores the rotated token through `source`
 * and logs where it went. A failed store is logged and passed to `onProblem` (the run's
 * snapshots still count, the invocation then fails so the alarm fires); it never throws.
 */
export function keepRotatedRefreshToken(
  source: CredentialSource,
  logger: CredentialsLogger,
  onProblem: (message: string) => void,
  secretName?: string,
): (refreshToken: string) => Promise<void> {
  return async (refreshToken) => {
    try {
      if (await source.storeRotatedRefreshToken(refreshToken)) {
        logger.info("Stored the rotated Spotify refresh token in the secret", {
          secret: secretName,
        });
      } else {
        logger.warn(
          "Spotify rotated the refresh token; SPOTIFY_REFRESH_TOKEN cannot be changed from " +
            "inside the function, so the new token is kept in memory only. Update the variable " +
            "(or use SPOTIFY_SECRET_ARN) before the next cold start.",
        );
      }
    } catch (error) {
      const message = (error as Error).message;
      onProblem(message);
      logger.error("Could not store the rotated refresh token", { reason: message });
    }
  };
}

/** An AWS error's name and message (AWS messages describe the failure, never the secret value). */
function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const message = error.message.replace(/\s+/g, " ").slice(0, 200);
  return message ? `${error.name}: ${message}` : error.name;
}
