/**
 * SDK clients for the operator commands. The account, region and endpoint come from the AWS
 * SDK's standard variables (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_S3`...); nothing here names an endpoint.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

/** The endpoint override the SDK would use for a service, if any (`AWS_ENDPOINT_URL_<SERVICE>` first). */
function endpointOverride(service: "SQS" | "S3"): string | undefined {
  return process.env[`AWS_ENDPOINT_URL_${service}`] || process.env.AWS_ENDPOINT_URL || undefined;
}

/**
 * An SQS client. With an endpoint override (an emulator, LocalStack) it is also given as the
 * client's `endpoint`: the SDK otherwise sends each call to the queue URL's own host, and
 * emulators name those hosts `sqs.<region>.localhost`, which many machines do not resolve
 * (and the SDK warns on every call).
 */
export function sqsClientFromEnvironment(): SQSClient {
  const endpoint = endpointOverride("SQS");
  return new SQSClient(endpoint ? { endpoint } : {});
}

/** An S3 client; path-style addressing under an endpoint override, where buckets share one host. */
export function s3ClientFromEnvironment(): S3Client {
  return new S3Client({ forcePathStyle: endpointOverride("S3") !== undefined });
}
