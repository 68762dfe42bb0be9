/**
 * The in-process AWS emulator (fauxqs: S3 + SQS over real HTTP) the local mode, the
 * benchmarks and the tests share.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { interceptLocalhostDns, startFauxqs, type FauxqsServer } from "fauxqs";

/** fauxqs running in this process, with SDK clients pointed at it. */
export interface Emulator {
  server: FauxqsServer;
  endpoint: string;
  s3: S3Client;
  sqs: SQSClient;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs on a loopback port (default 0: any free one) and points the AWS SDK's standard
 * variables at it (`AWS_ENDPOINT_URL`, a region and dummy credentials when none are set), so
 * clients created afterwards, the handlers' included, talk to it. fauxqs names queue URLs
 * `sqs.<region>.localhost`, which this machine does not resolve: `*.localhost` is mapped to
 * 127.0.0.1 for this process.
 */
export async function startEmulator(
  options: { port?: number; recordS3Events?: boolean } = {},
): Promise<Emulator> {
  const restoreDns = interceptLocalhostDns();
  const server = await startFauxqs({
    port: options.port ?? 0,
    logger: false,
    // The local mode reads S3 writes from the spy to send S3-style notifications.
    ...(options.recordS3Events ? { messageSpies: { bufferSize: 100_000 } } : {}),
  });
  const saved = { ...process.env };
  process.env.AWS_ENDPOINT_URL = server.address;
  process.env.AWS_REGION ??= "us-east-1";
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  const s3 = new S3Client({ endpoint: server.address, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint: server.address });
  return {
    server,
    endpoint: server.address,
    s3,
    sqs,
    async stop() {
      s3.destroy();
      sqs.destroy();
      await server.stop();
      for (const name of [
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
      ]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      restoreDns();
    },
  };
}
