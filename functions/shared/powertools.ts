import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/** Metrics namespace when `POWERTOOLS_METRICS_NAMESPACE` is unset (local runs, tests). */
export const DEFAULT_METRICS_NAMESPACE = "SpotifyEtl";

/** One function's Powertools logger and metrics. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Creates the Logger and Metrics a function uses. Terraform sets `POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE` and `POWERTOOLS_LOG_LEVEL`; `defaultServiceName` is used
 * when they are unset. The `service` dimension Powertools adds is what the alarms match on.
 */
export function createObservability(defaultServiceName: string): Observability {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME || defaultServiceName;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE,
    }),
  };
}
