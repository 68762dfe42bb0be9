/**
 * The extract Lambda: reads its configuration and credentials, snapshots the playlists
 * (`extract-playlists.ts`), emits the metrics, and fails the invocation with one error naming
 * every failed playlist and why, so the Errors alarm fires.
 *
 * AWS clients, the token cache and the credential sources live at module scope: created on
 * the first invocation (so they see the environment of the invocation, not of the import) and
 * reused by warm invocations.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { createObservability } from "../shared/powertools";
import { readExtractConfig } from "./config";
import { ExtractFailedError } from "./errors";
import { extractMetricNames } from "./metric-names";
import { CredentialSources, RefreshTokenAgeGauge, keepRotatedRefreshToken } from "./credentials";
import { extractPlaylists, type ExtractRunResult } from "./extract-playlists";
import { redactingLogger, redactSecrets } from "./redact";
import { s3SnapshotStore } from "./s3-snapshot-store";
import { AccessTokenCache, SpotifyClient, SpotifyRequestStats } from "./spotify-client";

/** Default Powertools service name (Terraform sets `POWERTOOLS_SERVICE_NAME`). */
export const SERVICE_NAME = "spotify-etl-extract";

const { logger, metrics } = createObservability(SERVICE_NAME);
let s3: S3Client | undefined;
const tokenCache = new AccessTokenCache();
const credentialSources = new CredentialSources();
const tokenAge = new RefreshTokenAgeGauge();

/** What a successful invocation returns (also logged). */
export interface ExtractSummary {
  written: { playlistId: string; key: string; entries: number; tracks: number; bytes: number }[];
}

/** Options for {@link createHandler}; the defaults are the Lambda's. */
export interface ExtractHandlerOptions {
  /** The extraction clock (`extracted_at`, raw key). The local demo runs "as of" past days. */
  now?: () => Date;
}

type LambdaContextLike = Pick<Context, "getRemainingTimeInMillis"> & Partial<Context>;

/** Builds the handler; {@link handler} is the one Lambda runs. */
export function createHandler(options: ExtractHandlerOptions = {}) {
  const now = options.now ?? (() => new Date());
  return async function extractHandler(
    event: unknown,
    context?: LambdaContextLike,
  ): Promise<ExtractSummary> {
    if (context?.awsRequestId) logger.addContext(context as Context);
    const stats = new SpotifyRequestStats();
    const runProblems: string[] = [];
    let result: ExtractRunResult | undefined;
    let refreshTokenAgeDays: number | undefined;
    let secrets: () => readonly string[] = () => [];
    const log = redactingLogger(logger, () => secrets());
    try {
      const config = readExtractConfig(process.env, event);
      const source = credentialSources.for(config.secretArn, config.secretCacheSeconds);
      const credentials = await source.load();
      refreshTokenAgeDays = tokenAge.measure(credentials, now(), log);
      const remainingMs = deadlineBudget(context, config.deadlineMarginMs);
      const client: SpotifyClient = new SpotifyClient({
        credentials,
        apiBaseUrl: config.apiBaseUrl,
        accountsBaseUrl: config.accountsBaseUrl,
        market: config.market,
        retry: config.retry,
        tokenCache,
        stats,
        runtime: { remainingMs },
        onRefreshTokenRotated: keepRotatedRefreshToken(
          source,
          log,
          (problem) => runProblems.push(problem),
          config.secretArn,
        ),
      });
      secrets = () => client.secretValues();
      log.info("Extract started", {
        playlists: config.playlistIds,
        playlistIdsFrom: config.playlistIdsFrom,
        credentials: source.kind,
        tokenMode: client.mode,
        pageConcurrency: config.pageConcurrency,
        market: config.market,
      });
      result = await extractPlaylists(config.playlistIds, {
        reader: client,
        store: s3SnapshotStore((s3 ??= new S3Client({})), config.bucket),
        now,
        remainingMs,
        logger: log,
        pageConcurrency: config.pageConcurrency,
        market: config.market,
      });
      log.info("Extract finished", {
        written: result.written.length,
        failed: result.failed.length,
        spotifyRequests: stats.requests,
      });
    } catch (error) {
      // Configuration, credentials: nothing was attempted. The messages name variables and
      // keys, never values.
      log.error("Extract could not run", { reason: (error as Error).message });
      throw error;
    } finally {
      publishMetrics(result, stats, refreshTokenAgeDays);
    }

    const failed = result.failed;
    if (failed.length > 0 || runProblems.length > 0) {
      const lines = [
        ...failed.map((f) => `- playlist ${f.playlistId}: ${f.reason}`),
        ...runProblems.map((problem) => `- ${problem}`),
      ];
      const head =
        failed.length > 0
          ? `Extract failed for ${failed.length} of ${result.outcomes.length} playlists ` +
            `(${failed.map((f) => f.playlistId).join(", ")}); ${result.written.length} written.`
          : `Extract wrote ${result.written.length} playlists but hit a problem.`;
      throw new ExtractFailedError(
        redactSecrets([head, ...lines].join("\n"), secrets()),
        failed.map((f) => f.playlistId),
        runProblems.length === 0 && failed.every((f) => f.retryable),
      );
    }
    return {
      written: result.written.map(({ playlistId, key, entries, tracks, bytes }) => ({
        playlistId,
        key,
        entries,
        tracks,
        bytes,
      })),
    };
  };
}

/** The Lambda handler (`dist/extract.zip`, export `handler`). */
export const handler = createHandler();

function deadlineBudget(context: LambdaContextLike | undefined, marginMs: number): () => number {
  if (!context || typeof context.getRemainingTimeInMillis !== "function") return () => Infinity;
  return () => context.getRemainingTimeInMillis() - marginMs;
}

/** Every extract metric, zeros included (the "no tracks extracted" alarm needs a zero). */
function publishMetrics(
  result: ExtractRunResult | undefined,
  stats: SpotifyRequestStats,
  refreshTokenAgeDays: number | undefined,
): void {
  const tracks = result?.written.reduce((sum, w) => sum + w.tracks, 0) ?? 0;
  const names = extractMetricNames;
  metrics.addMetric(names.playlistsExtracted, MetricUnit.Count, result?.written.length ?? 0);
  metrics.addMetric(names.playlistsFailed, MetricUnit.Count, result?.failed.length ?? 0);
  metrics.addMetric(names.tracksExtracted, MetricUnit.Count, tracks);
  metrics.addMetric(names.spotifyRequests, MetricUnit.Count, stats.requests);
  metrics.addMetric(names.spotifyRetries429, MetricUnit.Count, stats.retries429);
  metrics.addMetric(names.spotifyRetries5xx, MetricUnit.Count, stats.retries5xx);
  metrics.addMetric(names.spotifyRetriesNetwork, MetricUnit.Count, stats.retriesNetwork);
  metrics.addMetric(names.spotifyRetries401, MetricUnit.Count, stats.retries401);
  metrics.addMetric(names.retryAfterWaitMs, MetricUnit.Milliseconds, stats.retryAfterWaitMs);
  // Only runs that use a refresh token with a known login time: the alarm's Maximum then
  // ignores client-credentials runs instead of seeing zeros.
  if (refreshTokenAgeDays !== undefined) {
    metrics.addMetric(names.refreshTokenAgeDays, MetricUnit.NoUnit, refreshTokenAgeDays);
  }
  metrics.publishStoredMetrics();
}
