/**
 * moto's server (from the venv `make venv` creates). Tests use it for what fauxqs lacks: S3
 * bucket versioning (fauxqs's README lists it among the unsupported S3 features; the
 * transform's cleanup deletes by version id), Secrets Manager, and the services Terraform's
 * apply needs (test/terraform/moto-apply.test.ts).
 */
import { S3Client } from "@aws-sdk/client-s3";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const MOTO_SERVER = path.resolve(import.meta.dirname, "../../.venv/bin/moto_server");

/** A moto server on a free loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: every service moto emulates answers there. */
  endpoint: string;
  /** The last 256 KB moto printed (its request log and tracebacks), to explain a failure. */
  log(): string;
  /** Stops the server and waits for it to exit (a no-op once it has). */
  stop(): Promise<void>;
}

/** A moto server and an S3 client pointed at it. */
export interface MotoS3 extends MotoServer {
  s3: S3Client;
}

/**
 * Starts `moto_server` on a free port (`-p 0`) and waits for the address it prints.
 * @throws {Error} When the venv has no moto (run `make venv`) or the server does not start.
 */
export async function startMotoServer(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(
      `${MOTO_SERVER} is missing: run \`make venv\` (moto[server] from requirements-dev.txt)`,
    );
  }
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`moto_server exited (${code}): ${output}`)));
    child.once("error", reject);
  });
  // Keep draining its request log, or the pipe fills and moto blocks; keep its tail.
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-256 * 1024);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return {
    endpoint,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/**
 * Starts `moto_server` with an S3 client pointed at it.
 * @throws {Error} When the venv has no moto (run `make venv`) or the server does not start.
 */
export async function startMotoS3(): Promise<MotoS3> {
  const server = await startMotoServer();
  const s3 = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: "us-east-1" });
  return {
    endpoint: server.endpoint,
    log: server.log,
    s3,
    async stop() {
      s3.destroy();
      await server.stop();
    },
  };
}

let secretNumber = 0;

/** A new secret holding `value` (JSON-encoded unless a string), created over the wire; its ARN. */
export async function secretHolding(
  secretsManager: SecretsManagerClient,
  value: unknown,
): Promise<string> {
  secretNumber += 1;
  const created = await secretsManager.send(
    new CreateSecretCommand({
      Name: `test-secret-${secretNumber}`,
      SecretString: typeof value === "string" ? value : JSON.stringify(value),
    }),
  );
  return created.ARN!;
}

/** The secret's current value (GetSecretValue over the wire), parsed. */
export async function secretValue(
  secretsManager: SecretsManagerClient,
  arn: string,
): Promise<Record<string, unknown>> {
  const current = await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));
  return JSON.parse(current.SecretString ?? "null") as Record<string, unknown>;
}
