import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { interceptLocalhostDns, startFauxqs, type FauxqsServer } from "fauxqs";

/** fauxqs (S3 + SQS) running in this process, with SDK clients pointed at it over HTTP. */
export interface Emulator {
  server: FauxqsServer;
  endpoint: string;
  s3: S3Client;
  sqs: SQSClient;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs on a free loopback port and points the AWS SDK's standard endpoint variable
 * at it, so clients created afterwards (the handlers' included) talk to it. fauxqs names
 * queue URLs `sqs.<region>.localhost`, which this machine does not resolve: the DNS
 * interception maps `*.localhost` to 127.0.0.1 for this process.
 */
export async function startEmulator(): Promise<Emulator> {
  const restoreDns = interceptLocalhostDns();
  const server = await startFauxqs({ port: 0, logger: false });
  const previousEndpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = server.address;
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
      if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previousEndpoint;
      restoreDns();
    },
  };
}
